package io.ebpfnet.cli.connections;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Netdata's "simple pattern" lists: space-separated terms tried left to right; the first term that
 * matches decides, {@code !term} excluding and {@code term} including; when none matches the value
 * is excluded. {@code *} matches everything.
 *
 * @param <T> what is matched (a port, an address, a name)
 */
public final class SimplePattern<T> {
    private record Term<T>(boolean negative, String text) {
    }

    private final List<Term<T>> terms;
    private final BiPredicate<String, T> matcher;

    private SimplePattern(List<Term<T>> terms, BiPredicate<String, T> matcher) {
        this.terms = terms;
        this.matcher = matcher;
    }

    /** Parses {@code list}; {@code matcher} says whether one term (without its "!") matches a value. */
    public static <T> SimplePattern<T> parse(String list, BiPredicate<String, T> matcher) {
        List<Term<T>> terms = new ArrayList<>();
        for (String t : list.strip().split("\\s+")) {
            if (!t.isEmpty()) {
                boolean negative = t.startsWith("!");
                terms.add(new Term<>(negative, negative ? t.substring(1) : t));
            }
        }
        return new SimplePattern<>(List.copyOf(terms), matcher);
    }

    public boolean matches(T value) {
        for (Term<T> t : terms) {
            if (t.text().equals("*") || matcher.test(t.text(), value)) {
                return !t.negative();
            }
        }
        return false;
    }
}
