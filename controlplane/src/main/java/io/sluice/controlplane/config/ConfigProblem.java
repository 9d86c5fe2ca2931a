package io.sluice.controlplane.config;

/**
 * One problem found in a configuration file, located at the line and column of the offending key
 * or value so that an editor can jump to it.
 *
 * @param file    the file name as the user gave it.
 * @param line    1-based line, or 0 when the problem concerns the whole file.
 * @param column  1-based column, or 0 with line 0.
 * @param path    the key path, e.g. {@code services[1].backends[0].weight}, or empty for the file itself.
 * @param message what is wrong and what would be valid, e.g. {@code '-3' is not valid: an integer 0..65535}.
 */
public record ConfigProblem(String file, int line, int column, String path, String message)
{
    /**
     * Formats the problem as {@code FILE:LINE:COL: key.path: message}, the form compilers use.
     *
     * @return the one-line description.
     */
    @Override
    public String toString()
    {
        final String location = line > 0 ? file + ":" + line + ":" + column : file;
        return path.isEmpty() ? location + ": " + message : location + ": " + path + ": " + message;
    }
}
