/**
 * Allocation profiles: what a workload asked of the allocator, recorded by the runtime and read here for
 * the tuner ({@code dev.hakmem.codegen.tune}).
 *
 * <p>A profile is a JSON file, format {@code hakmem-profile}, version 1:
 *
 * <pre>{@code
 * {
 *   "format": "hakmem-profile",
 *   "version": 1,
 *   "label": "free text the user gave when recording",
 *   "recordedBy": "hakmem-runtime 0.1.0-SNAPSHOT",
 *   "durationMillis": 1234,
 *   "mallocs": 100000,
 *   "frees": 99000,
 *   "requests": [[24, 50000], [40, 30000], [1040, 7]],
 *   "bigRequests": {"count": 12, "bytes": 12345678},
 *   "classes": [{"size": 32, "mallocs": 50000, "peakLive": 812, "burst": 100}],
 *   "lifetimes": {"sampled": 1000, "log2NanosHistogram": [0, 0, 3, 5]},
 *   "remoteFrees": {"sampled": 1000, "remote": 12}
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@code requests}: {@code [size, count]} pairs, ascending by size, each size once, counts at
 *       least 1 (sizes never requested are left out). Sizes from 0 to 1024 are exact; larger ones are
 *       rounded up to a multiple of 16, up to 32768. Larger requests are only counted, in
 *       {@code bigRequests}.</li>
 *   <li>{@code classes}: one record per block size of the recording allocator (its size classes, up to
 *       32768), ascending: its mallocs, {@code peakLive} (the most blocks of that size live at once, over
 *       all threads) and {@code burst} (the longest run of mallocs of that size one thread made without
 *       freeing a block of that size in between).</li>
 *   <li>{@code lifetimes} and {@code remoteFrees} come from sampled blocks; both are optional and
 *       informational (the tuner does not use them yet).</li>
 *   <li>{@code mallocs} is at least 1: a recording without allocations cannot tune anything. Members
 *       not listed are ignored (a newer recorder of version 1 may add some); another {@code format}
 *       or {@code version} is an error.</li>
 * </ul>
 *
 * <p>JSON is YAML 1.2, so {@link dev.hakmem.codegen.profile.ProfileReader} reads it through the spec
 * parser's node reader ({@link dev.hakmem.codegen.yaml.NodeReader}, JSON syntax), whose node tree keeps
 * every value's line and column: a bad profile fails with a {@link dev.hakmem.codegen.InputException}
 * saying {@code file:line:column: what is wrong; what was expected}.
 */
package dev.hakmem.codegen.profile;
