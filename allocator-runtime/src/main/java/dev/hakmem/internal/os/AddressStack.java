package dev.hakmem.internal.os;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free stack of addresses (chunks, spans): the free lists of the {@link Reservation} and of the
 * small tiers' span sources.
 *
 * <p>A Treiber stack of immutable nodes: a node is never reused after it is popped, so the garbage
 * collector rules out ABA. {@code head} is changed only by CAS or getAndSet (volatile), so an address
 * and everything its pusher did before pushing it are visible to whoever pops it. Any number of
 * threads may push and pop; no lock is taken, so a thread holding any lock may use it.
 */
public final class AddressStack {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(AddressStack.class, "head", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private record Node(long address, Node next) {}

    @SuppressWarnings("unused") private volatile Node head;

    /** Pushes {@code address} (never 0: no mapping is at address 0). */
    public void push(long address) {
        Node top;
        do {
            top = (Node) HEAD.getVolatile(this);
        } while (!HEAD.compareAndSet(this, top, new Node(address, top)));
    }

    /** Pops the address on top, or returns 0 when the stack is empty. */
    public long pop() {
        Node top;
        while ((top = (Node) HEAD.getVolatile(this)) != null) {
            if (HEAD.compareAndSet(this, top, top.next())) return top.address();
        }
        return 0;
    }

    /** Whether the stack is empty now (one volatile load). */
    public boolean isEmpty() {
        return HEAD.getVolatile(this) == null;
    }

    /** Empties the stack and returns its addresses, top first (an empty array if none). */
    public long[] takeAll() {
        Node all = (Node) HEAD.getAndSet(this, null);
        int n = 0;
        for (Node x = all; x != null; x = x.next()) n++;
        long[] addresses = new long[n];
        for (int i = 0; all != null; all = all.next()) addresses[i++] = all.address();
        return addresses;
    }
}
