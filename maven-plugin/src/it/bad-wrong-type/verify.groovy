evaluate(new File(basedir, '../parent/bad-spec-check.groovy'))
