package dev.hakmem.codegen.spec;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.InputException;
import dev.hakmem.codegen.spec.Tier.ClassCache;
import dev.hakmem.codegen.yaml.NodeReader;
import dev.hakmem.codegen.yaml.NodeReader.Field;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.MappingNode;

/**
 * Reads the {@code tiny} or the {@code mid} section of a spec into its classes, each with its cache.
 *
 * <p>Each of a class's capacity and batch comes from the class's own entry, else from the section's
 * {@code cache}, else the runtime's default for that class (for Mid it depends on the size, see
 * {@link Tier}). A pair that breaks {@code batch <= capacity} is reported at the more specific of the
 * two settings that made it, naming where the other came from.
 */
final class TierReader {
    private static final String CACHE_VALUE = "an integer from 1 to " + Tier.CACHE_MAX;

    private final NodeReader nodes;
    private final Tier tier;

    TierReader(NodeReader nodes, Tier tier) {
        this.nodes = nodes;
        this.tier = tier;
    }

    /** A capacity or batch and where it was set: {@code level} 0 runtime default, 1 section cache, 2 class entry. */
    private record Setting(int value, Field field, int level) {}

    /** One item of {@code classes}: its size and the capacity and batch it sets (null where it sets none). */
    private record Entry(int size, Field sizeField, Setting capacity, Setting batch) {}

    /** The classes the section declares (the runtime's default sizes if it has no {@code classes}). */
    List<ClassCache> read(Field section) {
        Setting capacity = null;
        Setting batch = null;
        List<Entry> entries = null;
        for (Field f : nodes.entries(section, SpecKey.keysIn(tier.key))) {
            if (f.key().equals(Tier.CLASSES)) {
                entries = classes(f);
                continue;
            }
            for (Field c : nodes.entries(f, Tier.CACHE_KEYS)) {
                Setting s = cacheSetting(c, 1);
                if (c.key().equals(Tier.CAPACITY)) capacity = s; else batch = s;
            }
        }
        if (entries == null) {
            entries = new ArrayList<>();
            for (int size : tier.defaultSizes()) entries.add(new Entry(size, null, null, null));
        }
        List<ClassCache> defaults = tier.runtimeDefaults(entries.stream().mapToInt(Entry::size).toArray());
        List<ClassCache> classes = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            ClassCache d = defaults.get(i);
            Setting cap = first(e.capacity(), capacity, new Setting(d.capacity(), null, 0));
            Setting bat = first(e.batch(), batch, new Setting(d.batch(), null, 0));
            if (bat.value() > cap.value()) throw batchAboveCapacity(e.size(), cap, bat);
            classes.add(new ClassCache(e.size(), cap.value(), bat.value()));
        }
        return classes;
    }

    private List<Entry> classes(Field f) {
        List<Field> items = nodes.items(f, "a list of class sizes, each a size or {size, capacity, batch}");
        if (items.isEmpty()) throw nodes.error(f, "got an empty list; expected at least one class, the last one " + tier.max);
        if (items.size() > tier.maxClasses) {
            throw nodes.error(f, "got " + items.size() + " classes; expected at most " + tier.maxClasses);
        }
        List<Entry> entries = new ArrayList<>();
        int previous = tier == Tier.MID ? AllocatorConfig.TINY_MAX : 0;
        for (Field item : items) {
            Entry e = entry(item);
            int size = e.size();
            if (size <= previous) {
                throw nodes.error(e.sizeField(), size + " does not ascend after " + previous + "; expected sizes in strictly ascending order");
            }
            long worstWaste = size - (previous + 1L); // a request of previous+1 bytes lands in this class
            if (tier == Tier.MID && worstWaste * 4 > size) {
                throw nodes.error(e.sizeField(), size + " after " + previous + " wastes up to " + (100 * worstWaste / size)
                        + "% of a block; expected at most 25% (add a class in between)");
            }
            entries.add(e);
            previous = size;
        }
        Entry last = entries.getLast();
        if (last.size() != tier.max) {
            throw nodes.error(last.sizeField(), "the last class is " + last.size() + "; expected the last " + tier.title
                    + " class to be " + tier.max + " (the " + tier.title + " limit)");
        }
        return entries;
    }

    /** An item of {@code classes}: a size, or a mapping {size, capacity, batch} with at least size. */
    private Entry entry(Field item) {
        Field sizeField = item;
        Setting capacity = null;
        Setting batch = null;
        if (item.value() instanceof MappingNode) {
            sizeField = null;
            for (Field f : nodes.entries(item, Tier.CLASS_KEYS)) {
                switch (f.key()) {
                    case Tier.SIZE -> sizeField = f;
                    case Tier.CAPACITY -> capacity = cacheSetting(f, 2);
                    default -> batch = cacheSetting(f, 2);
                }
            }
            if (sizeField == null) {
                throw nodes.error(item, "missing key 'size'; expected {size, capacity, batch} with at least size");
            }
        }
        String rule = tier.sizeRule();
        int size = (int) nodes.integer(sizeField, tier.min, tier.max, rule);
        if (size % tier.multiple != 0) {
            throw nodes.error(sizeField, size + " is not a multiple of " + tier.multiple + "; expected " + rule);
        }
        return new Entry(size, sizeField, capacity, batch);
    }

    private Setting cacheSetting(Field f, int level) {
        return new Setting((int) nodes.integer(f, 1, Tier.CACHE_MAX, CACHE_VALUE), f, level);
    }

    private InputException batchAboveCapacity(int size, Setting capacity, Setting batch) {
        boolean blameBatch = batch.level() >= capacity.level();
        Setting blamed = blameBatch ? batch : capacity;
        Setting other = blameBatch ? capacity : batch;
        String origin = other.level() == blamed.level() ? ""
                : other.level() == 1 ? " (from " + tier.key + "." + Tier.CACHE + ")"
                : " (the default for class " + size + ")";
        String what = blameBatch
                ? batch.value() + " is above the capacity " + capacity.value() + origin
                : capacity.value() + " is below the batch " + batch.value() + origin;
        return nodes.error(blamed.field(), what + "; expected 1 <= batch <= capacity <= " + Tier.CACHE_MAX);
    }

    private static Setting first(Setting a, Setting b, Setting c) {
        return a != null ? a : b != null ? b : c;
    }
}
