package dev.hakmem.internal.small;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free stack of batches of free block addresses, each batch a node holding a
 * {@code long[]}: the transfer structure between threads. Used as a class's shared pool
 * ({@link CentralFreeList}) and as a thread's inbox of blocks freed by other threads
 * ({@link ThreadCache#inbox}).
 *
 * <p>Out of band: nothing is written into the blocks, so a stray user write into a freed block cannot
 * corrupt a list. One CAS moves a whole batch.
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>{@code head} is changed only by CAS or getAndSet (volatile). A node's fields are written
 *       before the CAS that publishes it (release), by the one thread that holds the node; a consumer reads them after its volatile
 *       read of the head (acquire), so the addresses in a popped batch, and everything the pushing
 *       thread did before pushing, are visible to the consumer.</li>
 *   <li>Any number of threads may push. A pop CASes the head from a node to its successor, which is
 *       ABA-safe only if the node it read cannot leave the stack and come back before the CAS: either
 *       nodes are never reused (new ones from {@link #push(long[], int)}: the garbage collector rules
 *       out ABA), or removals are serialised by the caller (the shared pool: {@link CentralFreeList}
 *       pops and takes its whole chain under one lock, so it may recycle nodes). Stacks consumed only
 *       by {@link #takeAll} (inboxes) recycle nodes with no lock ({@link Batch}).</li>
 *   <li>{@link #close} swaps in a sentinel: from then on every {@link #push} fails and the pusher
 *       keeps its blocks (it then gives them to another stack). So a block is never pushed onto a
 *       stack nobody will read again.</li>
 *   <li>{@code blocks} counts the blocks on the stack for statistics; it is updated with atomic adds
 *       after the CAS and may lag a concurrent change.</li>
 * </ul>
 * Both fields are padded on each side (JCTools style), because other threads CAS them while the
 * owner of an inbox works on its own cache fields nearby.
 */
public final class BatchStack extends BatchStackFields {
    @SuppressWarnings("unused") private long p10, p11, p12, p13, p14, p15, p16, p17;

    private static final VarHandle HEAD, BLOCKS;

    static {
        try {
            var l = MethodHandles.lookup();
            HEAD = l.findVarHandle(BatchStackFields.class, "head", Batch.class);
            BLOCKS = l.findVarHandle(BatchStackFields.class, "blocks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A batch: {@code blocks[0..count)}, then the rest of the chain. Nodes pushed with
     * {@link #push(long[], int)} are new and never change. Nodes pushed with {@link #push(Batch)} are
     * recycled ({@link CentralFreeList#recycleNode}): only onto stacks whose consumers take the whole
     * chain (inboxes) or pop one node at a time, one thread at a time (the shared pool, under its pop
     * lock), because reusing a node under concurrent popping CASes is the ABA hazard; their fields
     * are written before the pushing CAS and read after the taking one.
     */
    public static final class Batch {
        private final long[] blocks;
        private int count;
        private Batch next;

        /**
         * Whether the node may be recycled ({@link CentralFreeList#recycleNode}): only nodes made for
         * that ({@link CentralFreeList#newNode}), so the recycled population is bounded by what was
         * ever in flight at once. The one-off nodes of {@link #push(long[], int)} (an ended thread's
         * cache, a pressure release) are dropped when emptied: recycling them too would grow the
         * given-back stack with every such batch, when nobody takes nodes from it.
         */
        final boolean recyclable;

        public Batch(long[] blocks, int count, Batch next) {
            this(blocks, count, next, false);
        }

        Batch(long[] blocks, int count, Batch next, boolean recyclable) {
            this.blocks = blocks;
            this.count = count;
            this.next = next;
            this.recyclable = recyclable;
        }

        public long[] blocks() { return blocks; }

        public int count() { return count; }

        public Batch next() { return next; }

        /** For the thread that holds this node alone (filling a recycled one). */
        void setCount(int count) { this.count = count; }
    }

    static final Batch CLOSED = new Batch(new long[0], 0, null);

    /**
     * Pushes {@code blocks[0..count)}, taking ownership of the array (the caller must not use it
     * again), unless the stack is closed: then returns false and the caller still owns the blocks.
     */
    public boolean push(long[] blocks, int count) {
        Batch top;
        do {
            top = (Batch) HEAD.getVolatile(this);
            if (top == CLOSED) return false;
        } while (!HEAD.compareAndSet(this, top, new Batch(blocks, count, top)));
        BLOCKS.getAndAdd(this, (long) count);
        return true;
    }

    /**
     * Pushes {@code node} (its blocks and count set by the caller, who gives it up), unless the stack
     * is closed: then returns false and the caller keeps it. For stacks consumed only by
     * {@link #takeAll}/{@link #close} (inboxes): see {@link Batch}. ABA-safe with recycled nodes,
     * because a push links to the head it read and succeeds only if that is still the head.
     */
    public boolean push(Batch node) {
        long count = node.count; // read before the CAS: after it, the node may be taken and reused at once
        Batch top;
        do {
            top = (Batch) HEAD.getVolatile(this);
            if (top == CLOSED) return false;
            node.next = top;
        } while (!HEAD.compareAndSet(this, top, node));
        BLOCKS.getAndAdd(this, count);
        return true;
    }

    /**
     * Pops one batch into {@code dst} (which must hold the largest batch ever pushed) and returns its
     * size, or 0 when the stack is empty or closed.
     */
    public int pop(long[] dst) {
        Batch b = popBatch();
        if (b == null) return 0;
        System.arraycopy(b.blocks(), 0, dst, 0, b.count());
        return b.count();
    }

    /**
     * Pops one batch and returns it, or null when the stack is empty or closed. The winner of the
     * pop's CAS is the only thread that ever reads the node's array again, so it may recycle the
     * array once it has copied it out (never the node: see {@link Batch}).
     */
    Batch popBatch() {
        Batch b;
        while ((b = (Batch) HEAD.getVolatile(this)) != null && b != CLOSED) {
            if (HEAD.compareAndSet(this, b, b.next())) {
                BLOCKS.getAndAdd(this, (long) -b.count());
                return b;
            }
        }
        return null;
    }

    /** Empties the stack and returns its chain (null if empty or closed); the caller owns the blocks. */
    public Batch takeAll() {
        Batch all;
        do {
            all = (Batch) HEAD.getVolatile(this);
            if (all == null || all == CLOSED) return null;
        } while (!HEAD.compareAndSet(this, all, null));
        BLOCKS.getAndAdd(this, -count(all));
        return all;
    }

    /** Closes the stack (later pushes fail) and returns what it held, like {@link #takeAll}. */
    public Batch close() {
        Batch all = (Batch) HEAD.getAndSet(this, CLOSED);
        if (all == CLOSED) return null;
        BLOCKS.getAndAdd(this, -count(all));
        return all;
    }

    /** Blocks on the stack (for statistics; may lag concurrent pushes and pops). */
    public long blocks() {
        return (long) BLOCKS.getVolatile(this);
    }

    /** The number of blocks in a chain. */
    public static long count(Batch chain) {
        long n = 0;
        for (Batch b = chain; b != null; b = b.next()) n += b.count();
        return n;
    }
}

/** Padding before the hot fields. */
abstract class BatchStackPad {
    @SuppressWarnings("unused") private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The fields of {@link BatchStack}, between its paddings. */
abstract class BatchStackFields extends BatchStackPad {
    /** Top of the stack, {@link BatchStack#CLOSED} once closed; CAS/getAndSet only. */
    @SuppressWarnings("unused") volatile BatchStack.Batch head;
    /** Blocks on the stack (statistics); atomic adds. */
    @SuppressWarnings("unused") volatile long blocks;
}
