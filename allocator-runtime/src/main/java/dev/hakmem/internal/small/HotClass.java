package dev.hakmem.internal.small;

import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.spi.FrontSupport;
import dev.hakmem.spi.ThreadFront;

/**
 * A thread's hot class: the one size class that nearly all of its recent frees were of, which the free
 * path then takes on one comparison ({@link ThreadCache#hotInfo}) instead of indexing the thread's
 * class caches with the class it reads from the page table.
 *
 * <p><b>Why.</b> A free learns its block's class and owner from the page table, a load that waits for
 * the block's address; indexing the class caches with that class makes the push wait for it too, so a
 * run of frees is a chain of dependent loads (address, page entry, class cache, its array, the array's
 * length) that the processor cannot overlap. When the page's whole info equals the thread's hot info,
 * the push needs nothing decoded from it, the processor starts it on a predicted branch, and in a loop
 * of frees of one class the JIT hoists the class cache out of the loop (tinyHot 1.2x in session 35).
 * But a free of another class then mispredicts that branch: with the hot class simply the class of the
 * thread's last refill or flush, skewed (frees of six clusters of sizes, mixed) ran at 0.72x. So the
 * prediction is switched on only for a thread whose frees it would hit (docs/BENCHMARKS.md, session 37).
 *
 * <p><b>The evidence: the statistics' free counters.</b> Statistics on (the default), every free
 * already counts itself in its class cache ({@link ClassCache#frees}); this class reads those counters,
 * and only on slow paths, so the fast path gains no store. A judgement ({@link #judge}) looks at the
 * frees since the previous one: if at least {@link #EVIDENCE} were counted and one class has at least
 * 7/8 of them, that class is hot; if no class has, none is, and the thread is marked mixed
 * ({@link ThreadCache#hotRefuted}). A judgement is asked for
 * <ul>
 * <li>at a refill or a flush of an owning cache ({@link #slowPath}) of a class that is not hot: with
 *     too few frees to judge, the refilled or flushed class is made hot on trust, unless the thread was
 *     found mixed; a mixed thread is judged again at every {@value #RECHECK}th slow path only. A slow
 *     path of the hot class itself judges nothing (the misses do, if there are any). So the sum of the
 *     counters stays off nearly every slow path: a thread that only mallocs one class (xmalloc's
 *     producer) refills without it;</li>
 * <li>after {@link #MISSES} frees that missed the hot class while one was hot ({@link #miss}): the class
 *     stays hot only if those misses were at most 1/8 of the frees since the previous judgement, so a
 *     thread whose frees stop being of its hot class loses the prediction within a few hundred frees,
 *     and so does one whose frees of that class are of other threads' blocks (a remote free misses: its
 *     page has another owner).</li>
 * </ul>
 * The cost bound: while a class is hot, at most {@link #MISSES} mispredicted frees per judgement; once
 * a thread is found mixed, none, and its misses are not even counted. With statistics off there is no
 * evidence, and no class is ever hot: the free path then pays one comparison that always fails.
 *
 * <p><b>Generated variants.</b> A class that a variant's generated front stores ({@link ThreadCache#isFlat})
 * is made hot in the front's own fields ({@link ThreadFront#hotInfo}, {@link ThreadFront#hotClass}),
 * which the generated free compares the same way; its refills and flushes ({@link SmallFront#frontRefill},
 * {@link SmallFront#frontFlush}) and its misses ({@link SmallFront#frontHotMiss}) feed the same judgement,
 * whose evidence is the thread's frees of each class through both paths ({@link ThreadCache#frees}).
 * At most one of the two holds a hot class.
 *
 * <p><b>Invariant.</b> Either {@code hotInfo == ChunkRegistry.smallInfo(c, id)} and
 * {@code hotClass == byClass[c]} for a class {@code c} of the cache's own slabs (or the front's
 * {@code hotInfo} and {@code hotClass == c} for a class it stores), or {@code hotInfo ==}
 * {@link ChunkRegistry#NO_PAGE_INFO}, which no page has. So a free that
 * takes the hot branch is exactly a free of the caller's own slab of class {@code c}, which the general
 * branch would have taken too: the prediction changes which instructions run, never where a block goes.
 * Caches without an id (their blocks are on shared slabs) and stripes never have a hot class. All fields
 * are the owner's, plain, like the rest of the cache.
 */
final class HotClass {
    /** Frees since the previous judgement needed to judge. */
    static final int EVIDENCE = 256;
    /** Frees that missed the hot class after which the thread is judged again. */
    static final int MISSES = 256;
    /** A thread found mixed is judged again at every this many slow paths. */
    static final int RECHECK = 64;

    private HotClass() {}

    /**
     * A refill or flush of class {@code cls} on {@code tc}, statistics on: judges the thread, or makes
     * {@code cls} hot on trust if too few frees were counted to judge.
     */
    static void slowPath(ThreadCache tc, int cls) {
        if (tc.id == 0 || tc.isStripe()) return; // no own slabs, or a stripe: never hot
        if (isHot(tc, cls)) return; // hot already: its misses, if any, will judge it
        if (tc.hotRefuted && ++tc.hotSlowPaths < RECHECK) return;
        tc.hotSlowPaths = 0;
        judge(tc, cls);
    }

    /** A free that missed the hot class while one was hot (owner only). */
    static void miss(ThreadCache tc) {
        if (++tc.hotMisses >= MISSES) judge(tc, -1);
    }

    /**
     * Judges {@code tc} by its frees since the previous judgement; {@code trusted} is the class made hot
     * if there are too few to judge and the thread is not known to be mixed (-1: none).
     */
    static void judge(ThreadCache tc, int trusted) {
        ClassCache[] caches = tc.byClass;
        long total = 0, most = -1;
        int best = -1;
        for (int c = 0; c < caches.length; c++) {
            long d = tc.frees(c) - caches[c].freesAtJudgement;
            total += d;
            if (d > most) {
                most = d;
                best = c;
            }
        }
        if (total < EVIDENCE) {
            if (!tc.hotRefuted && trusted >= 0) makeHot(tc, trusted);
            return;
        }
        for (int c = 0; c < caches.length; c++) caches[c].freesAtJudgement = tc.frees(c);
        // Asked by the misses: the hot class stays if they were at most 1/8 of the frees, whatever the
        // classes' shares (its own frees miss too when its blocks are of other threads' slabs).
        boolean missed = tc.hotMisses >= MISSES;
        tc.hotMisses = 0;
        tc.hotRefuted = missed ? total < 8L * MISSES : most * 8 < total * 7;
        if (tc.hotRefuted) makeCold(tc);
        else if (!missed) makeHot(tc, best);
    }

    /** Whether class {@code cls} is {@code tc}'s hot class, in its own caches or in its generated front's. */
    private static boolean isHot(ThreadCache tc, int cls) {
        ThreadFront front = tc.front;
        return tc.isFlat(cls) ? front.hotInfo != FrontSupport.NO_HOT && front.hotClass == cls : tc.hotClass == tc.byClass[cls];
    }

    /** Makes {@code cls} hot: in the generated front if it stores the class, else in the cache's own fields; the other has none. */
    private static void makeHot(ThreadCache tc, int cls) {
        makeCold(tc);
        int info = ChunkRegistry.smallInfo(cls, tc.id);
        if (tc.isFlat(cls)) {
            tc.front.makeHot(cls, info);
        } else {
            tc.hotClass = tc.byClass[cls];
            tc.hotInfo = info;
        }
    }

    private static void makeCold(ThreadCache tc) {
        tc.hotInfo = ChunkRegistry.NO_PAGE_INFO;
        tc.hotClass = null;
        if (tc.front != null) tc.front.hotInfo = FrontSupport.NO_HOT;
    }
}
