package dev.hakmem.codegen.tune;

import dev.hakmem.codegen.AllocatorSpec;

/**
 * What the tuner is asked for besides the profiles.
 *
 * @param className fully qualified class name of the variant to tune, e.g. {@code com.example.TunedAllocator}
 * @param tinyClasses how many Tiny classes at most, 1 to {@value #MAX_TINY_CLASSES}
 * @param midClasses how many Mid classes at most, 1 to {@value #MAX_MID_CLASSES} (more when fewer cannot
 *     keep every Mid class within 25% waste: the tuner then uses the fewest that can, and says so)
 */
public record TuneSettings(String className, int tinyClasses, int midClasses) {
    /** As many Tiny classes as the runtime's default layout has. */
    public static final int DEFAULT_TINY_CLASSES = 20;
    /** As many Mid classes as the runtime's default layout has. */
    public static final int DEFAULT_MID_CLASSES = 20;
    /** The most Tiny classes a spec may have (as {@code AllocatorConfig.Builder#tinyClasses} allows). */
    public static final int MAX_TINY_CLASSES = 64;
    /** The most Mid classes a spec may have (as {@code AllocatorConfig.Builder#midClasses} allows). */
    public static final int MAX_MID_CLASSES = 60;

    /**
     * Checks the settings.
     *
     * @throws TuneException if {@code className} is not a fully qualified class name in a package, or a
     *     number of classes is out of range; the message says what was expected
     */
    public TuneSettings {
        if (className == null || !AllocatorSpec.isQualifiedClassName(className)) {
            throw new TuneException("variant: '" + className + "' is not a fully qualified class name; expected a package and a"
                    + " class name, e.g. com.example.TunedAllocator");
        }
        if (tinyClasses < 1 || tinyClasses > MAX_TINY_CLASSES) {
            throw new TuneException("tinyClasses: " + tinyClasses + " is out of range; expected 1 to " + MAX_TINY_CLASSES);
        }
        if (midClasses < 1 || midClasses > MAX_MID_CLASSES) {
            throw new TuneException("midClasses: " + midClasses + " is out of range; expected 1 to " + MAX_MID_CLASSES);
        }
    }

    /**
     * Settings with the default numbers of classes ({@value #DEFAULT_TINY_CLASSES} Tiny,
     * {@value #DEFAULT_MID_CLASSES} Mid).
     *
     * @param className fully qualified class name of the variant to tune
     * @throws TuneException if {@code className} is not a fully qualified class name in a package
     */
    public TuneSettings(String className) {
        this(className, DEFAULT_TINY_CLASSES, DEFAULT_MID_CLASSES);
    }
}
