package dev.hakmem;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Reports an {@link OutOfMemoryError} that escapes a test as that test's failure. JUnit treats
 * OutOfMemoryError as unrecoverable and aborts the whole run (surefire then reports a crashed fork
 * and no results); the allocator throws it by contract when its memory limit is reached, so an
 * unexpected one is a test failure like any other. Tests that expect it catch it themselves.
 */
final class OomAsFailure implements InvocationInterceptor {
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ctx, ExtensionContext ext) throws Throwable {
        run(invocation);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ctx, ExtensionContext ext) throws Throwable {
        run(invocation);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ctx, ExtensionContext ext) throws Throwable {
        run(invocation);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ctx, ExtensionContext ext) throws Throwable {
        run(invocation);
    }

    private static void run(Invocation<Void> invocation) throws Throwable {
        try {
            invocation.proceed();
        } catch (OutOfMemoryError e) {
            throw new AssertionError("unexpected OutOfMemoryError: " + e.getMessage(), e);
        }
    }
}
