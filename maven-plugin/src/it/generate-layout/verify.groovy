// Main variants from the top level and a subdirectory (the package the spec's, not the directory's), the
// draft left out, the test variant in the test sources only; validate read the same files; the test ran.
def main = new File(basedir, 'target/generated-sources/hakmem/it/layout')
assert new File(main, 'FastAllocator.java').isFile()
assert new File(main, 'orders/OrdersAllocator.java').isFile()
assert !new File(main, 'NextAllocator.java').exists() : 'drafts/ is excluded'
assert !new File(main, 'SmallCachesAllocator.java').exists() : 'a test variant is not a main source'
assert new File(basedir, 'target/generated-test-sources/hakmem/it/layout/SmallCachesAllocator.java').isFile()
assert !new File(basedir, 'target/classes/it/layout/SmallCachesAllocator.class').exists()
assert new File(basedir, 'target/test-classes/it/layout/SmallCachesAllocator.class').isFile()
def log = new File(basedir, 'build.log').text
assert log =~ /hakmem: 3 spec file\(s\) valid \(2 in \S+src.main.hakmem, 1 in \S+src.test.hakmem\)/
assert log.contains('hakmem: generated 6 source file(s) from 2 spec file(s)')
assert log.contains('hakmem: generated 3 source file(s) from 1 spec file(s)')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
return true
