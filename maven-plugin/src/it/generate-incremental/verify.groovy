// Three builds of one project (invoker.properties): generated, regenerated after the spec changed, up to date.
import java.text.SimpleDateFormat

def log = new File(basedir, 'build.log').text
def generated = log.findAll(/hakmem: generated/).size()
def upToDate = log.findAll(/hakmem: .*unchanged, nothing to generate/).size()
println "generate-incremental: ${generated} generating builds, ${upToDate} up to date"
assert generated == 2 : 'the first build and the one after the change generate'
assert upToDate == 1 : 'the third build, with nothing changed, is up to date'
def out = new File(basedir, 'target/generated-sources/hakmem')
def variant = new File(out, 'it/inc/IncAllocator.java').text
assert variant.contains('.checks(false)') : 'the output is the changed spec\'s'

// Only the third build's lines carry a time: its first line was logged before its generate goal ran.
def stamp = (log =~ /(?m)^(\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d\.\d{3}) /)
assert stamp.find() : 'the third build logs with the time of day'
long started = new SimpleDateFormat('yyyy-MM-dd_HH:mm:ss.SSS').parse(stamp.group(1)).time
def files = [out]
out.eachFileRecurse { files << it }
assert files.size() > 5
files.each { f ->
    assert f.lastModified() < started : "${f} was written by the up-to-date build (${f.lastModified()} >= ${started})"
}
return true
