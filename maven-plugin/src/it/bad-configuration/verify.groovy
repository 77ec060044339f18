// Each build failed with its message; the project's files are as they were and nothing was generated.
def log = new File(basedir, 'build.log').text
[
    'src/main/specs does not exist; expected a directory of spec files there, as configured by <specDirectory> (hakmem.specDirectory)',
    'matching [src/main/hakmem/*.yaml] (1 file(s) there); expected the includes to match at least one spec file; patterns are relative to the spec directory',
    'src/main/java holds files the generator did not write (it has no .hakmem-fingerprint); expected a directory of generated sources only',
    'pom.xml is a file; expected directories on the way there (<outputDirectory> (hakmem.outputDirectory))',
    'hakmem: no variant to tune; expected its fully qualified class name in -Dhakmem.variant=... or <variant> in the plugin\'s configuration',
].each { message ->
    assert log.contains(message) : "build.log lacks: ${message}"
}
assert log.findAll(/BUILD FAILURE/).size() == 5
assert new File(basedir, 'src/main/java/it/Main.java').text.contains('public class Main {}')
assert new File(basedir, 'pom.xml').isFile()
assert !new File(basedir, 'target/generated-sources').exists()
assert !new File(basedir, 'src/main/hakmem/TunedAllocator.yaml').exists()
return true
