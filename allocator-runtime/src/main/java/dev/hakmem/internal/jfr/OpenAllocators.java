package dev.hakmem.internal.jfr;

import dev.hakmem.AllocatorStats;
import dev.hakmem.AllocatorStats.TierStats;
import dev.hakmem.NativeAllocator;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * The open allocators of this JVM, for the periodic statistics events: {@link #register} at creation,
 * {@link #unregister} at close. An allocator is held weakly, so one that is dropped without close
 * leaves the registry when it is collected (its entry is removed by the next periodic run).
 *
 * <p>One JFR periodic hook ({@link FlightRecorder#addPeriodicEvent}) is added once the JVM's Flight
 * Recorder is initialized: at the first registration if it is already, else when it is
 * (a {@link FlightRecorderListener} added by the first registration, which hands the hook's addition
 * to a short-lived thread: the listener runs under JFR's initialization lock). Adding the hook
 * registers the event classes, which sets up JFR's metadata (a second or so on a slow machine): a
 * program that never records does not pay it. At each period (1 s in {@code hakmem.jfc}) it takes each open allocator's
 * {@link NativeAllocator#stats()} snapshot on JFR's periodic thread and emits one
 * {@link AllocatorStatisticsEvent} and, if enabled, one {@link TierStatisticsEvent} per tier. A
 * snapshot walks the thread caches and calls {@code mincore} over the used address space: that cost
 * is paid only while a recording has the event enabled. An allocator closed while its snapshot is
 * taken is skipped (its {@code stats()} throws {@code IllegalStateException}).
 *
 * <p>Thread-safety: a concurrent map; the hook may run while allocators come and go.
 */
public final class OpenAllocators {
    private record Entry(WeakReference<NativeAllocator> allocator, AllocatorEvents events, long memoryLimit) {}

    private static final Map<Long, Entry> OPEN = new ConcurrentHashMap<>();

    /** Holder idiom: the hook is added once, when this class is first used (with the recorder initialized). */
    private static final class Hook {
        static {
            FlightRecorder.addPeriodicEvent(AllocatorStatisticsEvent.class, OpenAllocators::emitAll);
        }

        static void ensureAdded() {}
    }

    /** Holder idiom: the listener is added once, by the first {@link #register} that finds the recorder not initialized. */
    private static final class Listener {
        static {
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recorderInitialized(FlightRecorder recorder) {
                    // Not here: this runs under the recorder's initialization lock.
                    Thread.ofPlatform().daemon().name("hakmem-jfr-hook").start(Hook::ensureAdded);
                }
            });
        }

        static void ensureAdded() {}
    }

    private OpenAllocators() {}

    /**
     * Lists {@code allocator}, whose events sink is {@code events} and memory limit
     * {@code memoryLimit}, until {@link #unregister}.
     */
    public static void register(NativeAllocator allocator, AllocatorEvents events, long memoryLimit) {
        if (FlightRecorder.isInitialized()) {
            Hook.ensureAdded();
        } else {
            Listener.ensureAdded();
        }
        OPEN.put(events.id(), new Entry(new WeakReference<>(allocator), events, memoryLimit));
    }

    /** The allocator of {@code events} is closing: no more statistics for it. */
    public static void unregister(AllocatorEvents events) {
        OPEN.remove(events.id());
    }

    /** Whether the allocator whose events id is {@code id} is listed (tests). */
    static boolean isOpen(long id) {
        return OPEN.containsKey(id);
    }

    /** The periodic hook: one snapshot per open allocator. */
    private static void emitAll() {
        for (Map.Entry<Long, Entry> me : OPEN.entrySet()) {
            NativeAllocator a = me.getValue().allocator().get();
            if (a == null) { // dropped without close
                OPEN.remove(me.getKey(), me.getValue());
                continue;
            }
            AllocatorStats s;
            try {
                s = a.stats();
            } catch (IllegalStateException closed) {
                continue; // closed meanwhile: unregistered by its close
            }
            emit(me.getValue(), s);
        }
    }

    private static void emit(Entry entry, AllocatorStats s) {
        AllocatorEvents events = entry.events();
        AllocatorStatisticsEvent e = new AllocatorStatisticsEvent();
        long cached = 0;
        for (TierStats t : s.tiers()) cached += t.cachedBytes();
        e.allocatorId = events.id();
        e.reserved = s.bytesReserved();
        e.committed = s.bytesCommitted();
        e.resident = s.bytesResident();
        e.memoryLimit = entry.memoryLimit();
        e.live = s.bytesLive();
        e.liveBlocks = s.liveBlocks();
        e.cached = cached;
        e.requested = s.bytesRequested();
        e.allocations = s.allocations();
        e.frees = s.frees();
        e.doubleFrees = events.misuses(MisuseKind.DOUBLE_FREE);
        e.usesAfterFree = events.misuses(MisuseKind.USE_AFTER_FREE);
        e.interiorPointers = events.misuses(MisuseKind.INTERIOR_POINTER);
        e.notAllocated = events.misuses(MisuseKind.NOT_ALLOCATED);
        e.racingDoubleFrees = s.racingDoubleFrees();
        e.commit();
        for (TierStats t : s.tiers()) {
            TierStatisticsEvent te = new TierStatisticsEvent();
            if (!te.isEnabled()) break;
            te.allocatorId = events.id();
            te.tier = t.tier().name();
            te.live = t.liveBytes();
            te.liveBlocks = t.liveBlocks();
            te.cached = t.cachedBytes();
            te.allocations = t.allocations();
            te.frees = t.frees();
            te.commit();
        }
    }
}
