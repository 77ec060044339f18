// The variant, its cache and its front were generated, and the project's test ran against them.
def gen = new File(basedir, 'target/generated-sources/hakmem/it/gen')
assert new File(gen, 'FastAllocator.java').isFile()
assert new File(gen, 'FastAllocatorCache.java').isFile()
assert new File(gen, 'FastAllocatorFront.java').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('hakmem: generated')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
return true
