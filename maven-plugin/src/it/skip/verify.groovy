// Every goal said it was skipped, and none did anything.
def log = new File(basedir, 'build.log').text
['tune', 'validate', 'generate', 'generate-test'].each { goal ->
    assert log.contains("hakmem: ${goal} skipped (hakmem.skip)") : "${goal} was not skipped"
}
assert !new File(basedir, 'target/generated-sources').exists()
assert !new File(basedir, 'target/generated-test-sources').exists()
return true
