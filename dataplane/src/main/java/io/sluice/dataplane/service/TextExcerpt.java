package io.sluice.dataplane.service;

/**
 * How an error message quotes a value it refuses: whole when short, else its first characters and
 * its length. A message that repeated a 20 KB value whole would not fit where it has to go (gRPC
 * trailers hold about 8 KB) and would bury the reason; every refusal quotes through this.
 */
public final class TextExcerpt
{
    /** The most characters of a value a message quotes. */
    public static final int MAX_QUOTED = 64;

    private TextExcerpt()
    {
    }

    /**
     * A value as a message quotes it, without the quotes.
     *
     * @param value the value as given (null shows as {@code null}).
     * @return the value's text when it has at most {@link #MAX_QUOTED} characters, else its first
     * {@link #MAX_QUOTED} followed by {@code ... (N characters)}; control characters shown as
     * {@code ?}, so that a value cannot rewrite the terminal or the log it is shown in.
     */
    public static String of(final Object value)
    {
        final String text = String.valueOf(value);
        final String cut = text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED);
        final StringBuilder shown = new StringBuilder(cut.length() + 24);
        for (int i = 0; i < cut.length(); i++)
        {
            final char c = cut.charAt(i);
            shown.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > MAX_QUOTED)
        {
            shown.append("... (").append(text.length()).append(" characters)");
        }
        return shown.toString();
    }

    /**
     * A value in single quotes, shortened as {@link #of} does.
     *
     * @param value the value.
     * @return e.g. {@code 'abc'}.
     */
    public static String quoted(final Object value)
    {
        return "'" + of(value) + "'";
    }

    /**
     * A whole message cut to a length that fits a status line or a trailer.
     *
     * @param message   the message.
     * @param maxLength the most characters kept.
     * @return the message, or its first characters and a note of how much was cut.
     */
    public static String clip(final String message, final int maxLength)
    {
        if (message == null || message.length() <= maxLength)
        {
            return message;
        }
        return message.substring(0, maxLength) + "... (" + (message.length() - maxLength) + " more characters cut)";
    }
}
