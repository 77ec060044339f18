// Build 1 validated the two good specs; build 2 failed on both bad ones, each with file:line:column.
def log = new File(basedir, 'build.log').text
assert log =~ /hakmem: 2 spec file\(s\) valid \(2 in \S+src.main.hakmem\)/
assert log.contains("src/main/hakmem/drafts/next.yaml:2:9: checks: got the string 'maybe'")
assert log =~ /src.main.hakmem.old.good.yaml:1:10: variant: it.gen.GoodAllocator is already declared by \S+good.yaml/
assert log.contains('BUILD FAILURE')
assert !new File(basedir, 'target/generated-sources').exists() : 'validate generates nothing'
return true
