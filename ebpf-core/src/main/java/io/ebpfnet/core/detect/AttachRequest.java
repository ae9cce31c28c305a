package io.ebpfnet.core.detect;

import java.util.Objects;

/**
 * What the caller asks of {@link AttachModeChooser}: the best mode the kernel allows (trying
 * {@code firstChoice} first), or exactly one mode, optionally falling back to the others.
 *
 * @param mode          the mode asked for, or null for the best allowed one
 * @param firstChoice   the mode tried first when choosing the best (and when falling back, the order
 *                      continues as for the best)
 * @param allowFallback whether a refused {@code mode} may be replaced by another allowed mode
 */
public record AttachRequest(AttachMode mode, AttachMode firstChoice, boolean allowFallback) {
    public AttachRequest {
        Objects.requireNonNull(firstChoice, "firstChoice");
    }

    /** The best mode the kernel allows, trying {@code firstChoice} first. */
    public static AttachRequest best(AttachMode firstChoice) {
        return new AttachRequest(null, firstChoice, false);
    }

    /** Exactly {@code mode}; with {@code allowFallback}, the best other allowed mode when it is refused. */
    public static AttachRequest exactly(AttachMode mode, boolean allowFallback) {
        return new AttachRequest(Objects.requireNonNull(mode, "mode"), mode, allowFallback);
    }

    /** Whether this asks for the best allowed mode rather than one mode. */
    public boolean isBest() {
        return mode == null;
    }
}
