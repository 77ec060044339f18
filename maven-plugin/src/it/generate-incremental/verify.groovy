// Three builds of one project (invoker.properties): generated, up to date, regenerated after the spec changed.
def log = new File(basedir, 'build.log').text
def generated = log.findAll(/hakmem: generated/).size()
def upToDate = log.findAll(/hakmem: .*unchanged, nothing to generate/).size()
println "generate-incremental: ${generated} generating builds, ${upToDate} up to date"
assert generated == 2 : 'the first build and the one after the change generate'
assert upToDate == 1 : 'the second build, with nothing changed, is up to date'
def variant = new File(basedir, 'target/generated-sources/hakmem/it/inc/IncAllocator.java').text
assert variant.contains('.checks(false)') : 'the output is the changed spec\'s'
return true
