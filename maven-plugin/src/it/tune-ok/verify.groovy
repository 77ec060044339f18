// hakmem:tune wrote a spec with classes of the recorded sizes and a header naming the profile; the build
// generated the variant from it and the project's tests allocated with it.
def spec = new File(basedir, 'src/main/hakmem/TunedAllocator.yaml')
assert spec.isFile() : 'hakmem:tune wrote no spec'
def text = spec.text
assert text.startsWith('# Tuned by hakmem-codegen from 1 allocation profile:')
assert text.contains('#   src/main/hakmem/profiles/service.json: "order service, 60 s of the replayed peak-hour trace", 4195817 mallocs')
assert text.contains('variant: it.gen.TunedAllocator')
def tiny = text.substring(text.indexOf('\ntiny:'), text.indexOf('\nmid:'))
[32, 48, 80, 144, 272, 528].each { size ->
    assert tiny =~ /- (\{size: )?${size}\b/ : "no Tiny class of ${size} bytes in:\n${tiny}"
}
assert text.contains('frontsUpTo: 1024 ') // every Tiny class runs through the generated front
def log = new File(basedir, 'build.log').text
assert log =~ /hakmem: internal fragmentation of the recorded requests: runtime default classes \d+\.\d\d% -> tuned \d+\.\d\d%/
assert log.contains('hakmem: generated')
assert new File(basedir, 'target/generated-sources/hakmem/it/gen/TunedAllocatorFront.java').isFile()
assert log.contains('Tests run: 2, Failures: 0, Errors: 0')
return true
