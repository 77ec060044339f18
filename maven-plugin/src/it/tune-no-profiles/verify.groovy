// The shared check (the expected message, nothing generated), and no spec written.
evaluate(new File(basedir, '../parent/bad-spec-check.groovy'))
assert !new File(basedir, 'src/main/hakmem/TunedAllocator.yaml').exists() : 'a failed tune must leave no spec'
return true
