package io.ebpfnet.cli.config;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.tomlj.internal.TomlLexer;

/**
 * Refuses TOML whose arrays and inline tables nest deeper than {@link #MAX_DEPTH}, before tomlj's parser sees it:
 * that parser recurses once per level and overflows the stack near 2,000 levels.
 *
 * <p>The depth is counted on the tokens of tomlj's own lexer (iterative, pinned with tomlj), so brackets in strings
 * and comments are skipped exactly as the parser skips them. After a token the lexer cannot place, the parser's
 * error recovery may skip closing brackets, so from there on only opening ones are counted.
 */
final class TomlNesting {
    /** No key takes an array or a table; 32 levels leave room for any hand-written file. */
    static final int MAX_DEPTH = 32;

    private TomlNesting() {
    }

    static void check(String text, String file) throws ConfigException {
        TomlLexer lexer = new TomlLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners(); // every mode has a catch-all Error token; nothing to print
        int depth = 0;
        boolean recovering = false;
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
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
