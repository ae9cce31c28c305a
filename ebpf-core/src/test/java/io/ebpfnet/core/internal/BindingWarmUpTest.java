package io.ebpfnet.core.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;

/** Every binding the warm-up links (each generated function, each errno-capturing call, the structs) links here. */
class BindingWarmUpTest {
    @Test
    void everyBindingLinksAgainstTheSystemsLibraries() {
        NativeLibraries.ensureAvailable();
        Throwable failure = BindingWarmUp.run();
        assertNull(failure, () -> "a binding failed to link: " + failure);
    }
}
