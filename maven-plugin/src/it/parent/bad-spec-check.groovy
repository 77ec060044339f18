// Shared check of the bad-spec projects (each verify.groovy evaluates this): the build failed with the
// message in the project's expected-error.txt, and nothing was generated.
def expected = new File(basedir, 'expected-error.txt').text.trim()
def log = new File(basedir, 'build.log').text
assert log.contains(expected) : "build.log lacks the expected error: " + expected
assert !new File(basedir, 'target/generated-sources/hakmem').exists() : 'a bad spec must leave no generated sources'
return true
