package io.ebpfnet.cli.config;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.tomlj.internal.TomlLexer;

/**
 * Refuses TOML that tomlj's parser cannot take safely, before it sees it. That parser recurses once per level of
 * arrays and inline tables (its stack overflows near 2,000 levels), and keeps every token and a parse-tree node for
 * each: a 1 MiB file of array elements or string characters takes seconds and more than 128 MB of heap.
 *
 * <p>Both are counted on the tokens of tomlj's own lexer (iterative, pinned with tomlj), so brackets in strings and
 * comments are skipped exactly as the parser skips them. After a token the lexer cannot place, the parser's error
 * recovery may skip closing brackets, so from there on only opening ones are counted.
 */
final class TomlBounds {
    /** No key takes an array or a table; 32 levels leave room for any hand-written file. */
    static final int MAX_DEPTH = 32;
    /** A configuration has a few hundred tokens; at this many tomlj needs a fraction of a second and a few MB. */
    static final int MAX_TOKENS = 65_536;

    private TomlBounds() {
    }

    static void check(String text, String file) throws ConfigException {
        TomlLexer lexer = new TomlLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners(); // every mode has a catch-all Error token; nothing to print
        int depth = 0;
        int tokens = 0;
        boolean recovering = false;
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            if (++tokens > MAX_TOKENS) {
                throw ConfigException.at(file, t.getLine(), "has more than " + MAX_TOKENS + " TOML tokens (each character of"
                        + " a string counts as one); a configuration needs a few hundred");
            }
            int type = t.getType();
            if (type == TomlLexer.ArrayStart || type == TomlLexer.InlineTableStart) {
                if (++depth > MAX_DEPTH) {
                    throw ConfigException.at(file, t.getLine(), "arrays and inline tables nest more than " + MAX_DEPTH
                            + " deep; no option takes an array or a table");
                }
            } else if ((type == TomlLexer.ArrayEnd || type == TomlLexer.InlineTableEnd) && !recovering) {
                depth = Math.max(0, depth - 1);
            } else if (type == TomlLexer.Error) {
                recovering = true;
            }
        }
    }
}
