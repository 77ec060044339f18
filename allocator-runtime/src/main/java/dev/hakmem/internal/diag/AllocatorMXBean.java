package dev.hakmem.internal.diag;

import dev.hakmem.AllocatorStats;
import dev.hakmem.AllocatorStats.ClassStats;
import dev.hakmem.AllocatorStats.TierStats;
import dev.hakmem.HakmemMXBean;
import dev.hakmem.NativeAllocator;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The {@link HakmemMXBean} of one allocator: each attribute is read from a fresh {@link NativeAllocator#stats()}
 * snapshot, so the bean holds no state of its own and cannot disagree with {@code stats()}. Holds the
 * allocator strongly while registered: unregister it (its {@link HakmemMXBean.Registration}) when the
 * allocator is done with, or it stays reachable from the platform MBean server.
 */
public final class AllocatorMXBean implements HakmemMXBean {
    /** The domain and type of the names; the key {@code name} tells allocators apart. */
    static final String PREFIX = "dev.hakmem:type=Allocator,name=";

    private final NativeAllocator allocator;

    private AllocatorMXBean(NativeAllocator allocator) {
        this.allocator = allocator;
    }

    /**
     * Registers a bean for {@code allocator} with the platform MBean server under {@link #PREFIX}{@code name}.
     *
     * @throws IllegalArgumentException if the name is blank
     * @throws IllegalStateException if a bean of that name is registered already
     */
    public static HakmemMXBean.Registration register(NativeAllocator allocator, String name) {
        if (allocator == null) throw new NullPointerException("allocator");
        if (name == null) throw new NullPointerException("name");
        if (name.isBlank()) throw new IllegalArgumentException("registerMBean: the name must not be blank, got \"" + name + "\"");
        ObjectName objectName = objectName(name);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(new AllocatorMXBean(allocator), objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("registerMBean: an MBean named " + objectName + " is registered already; "
                    + "choose another name or close that registration first", e);
        } catch (JMException e) {
            throw new IllegalStateException("registerMBean: the platform MBean server refused " + objectName + ": " + e, e);
        }
        return new Handle(server, objectName);
    }

    /** The name's value as is when it is a valid unquoted value, else quoted. */
    static ObjectName objectName(String name) {
        boolean plain = name.strip().equals(name) && name.chars().noneMatch(ch -> ",=:\"*?\\\n".indexOf(ch) >= 0);
        try {
            return new ObjectName(PREFIX + (plain ? name : ObjectName.quote(name)));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("registerMBean: \"" + name + "\" makes no valid ObjectName: " + e.getMessage(), e);
        }
    }

    /** Unregisters once. */
    private static final class Handle implements HakmemMXBean.Registration {
        private final MBeanServer server;
        private final ObjectName name;
        private boolean closed;

        Handle(MBeanServer server, ObjectName name) {
            this.server = server;
            this.name = name;
        }

        @Override
        public ObjectName objectName() {
            return name;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                server.unregisterMBean(name);
            } catch (InstanceNotFoundException e) {
                // someone unregistered it through the server: the goal is reached
            } catch (JMException e) {
                throw new IllegalStateException("could not unregister " + name + ": " + e, e);
            }
        }
    }

    @Override public long trim() { return allocator.trim(); }
    @Override public long getBytesRequested() { return allocator.stats().bytesRequested(); }
    @Override public long getBytesLive() { return allocator.stats().bytesLive(); }
    @Override public long getLiveBlocks() { return allocator.stats().liveBlocks(); }
    @Override public long getAllocations() { return allocator.stats().allocations(); }
    @Override public long getFrees() { return allocator.stats().frees(); }
    @Override public long getBytesReserved() { return allocator.stats().bytesReserved(); }
    @Override public long getBytesCommitted() { return allocator.stats().bytesCommitted(); }
    @Override public long getBytesResident() { return allocator.stats().bytesResident(); }
    @Override public long getRacingDoubleFrees() { return allocator.stats().racingDoubleFrees(); }
    @Override public Map<String, Long> getTierLiveBlocks() { return byTier(TierStats::liveBlocks); }
    @Override public Map<String, Long> getTierLiveBytes() { return byTier(TierStats::liveBytes); }
    @Override public Map<String, Long> getTierCachedBytes() { return byTier(TierStats::cachedBytes); }

    @Override
    public Map<Integer, Long> getClassLiveBlocks() {
        Map<Integer, Long> m = new LinkedHashMap<>();
        for (ClassStats c : allocator.stats().classes()) m.put(c.size(), c.liveBlocks());
        return m;
    }

    @Override
    public String getDump() {
        return allocator.dump();
    }

    private Map<String, Long> byTier(ToLongFunction<TierStats> f) {
        AllocatorStats s = allocator.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        for (TierStats t : s.tiers()) m.put(t.tier().name(), f.applyAsLong(t));
        return m;
    }
}
