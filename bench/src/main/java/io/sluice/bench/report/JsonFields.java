package io.sluice.bench.report;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** Reads a results file's JSON and its fields, each failure a {@link ReportInputException} saying where. */
final class JsonFields
{
    private JsonFields()
    {
    }

    static JsonElement read(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ReportInputException(file.toAbsolutePath() + " does not exist");
        }
        catch (final CharacterCodingException ex)
        {
            throw new ReportInputException(file.toAbsolutePath() + " is not a text (UTF-8) file");
        }
        catch (final IOException ex)
        {
            throw new ReportInputException(file.toAbsolutePath() + " cannot be read: " + ex.getMessage());
        }
        return parse(text, file.toString());
    }

    static JsonElement parse(final String text, final String source)
    {
        try
        {
            final JsonElement root = JsonParser.parseString(text);
            if (root.isJsonNull())
            {
                throw new ReportInputException(source + " is empty");
            }
            return root;
        }
        catch (final JsonParseException ex)
        {
            // Gson's own message names its exception class and ends with a troubleshooting link: one line of it.
            final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            final String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
            throw new ReportInputException(source + " is not JSON: " + message);
        }
    }

    static JsonObject object(final JsonElement element, final String where)
    {
        if (element == null || !element.isJsonObject())
        {
            throw new ReportInputException(where + " is not a JSON object");
        }
        return element.getAsJsonObject();
    }

    static JsonArray array(final JsonObject object, final String name, final String where)
    {
        final JsonElement element = object.get(name);
        if (element == null || !element.isJsonArray())
        {
            throw new ReportInputException(where + " has no array " + name);
        }
        return element.getAsJsonArray();
    }

    static JsonObject objectOrNull(final JsonObject object, final String name, final String where)
    {
        final JsonElement element = object.get(name);
        if (element == null || element.isJsonNull())
        {
            return null;
        }
        return object(element, where + " " + name);
    }

    static String text(final JsonObject object, final String name, final String where)
    {
        return primitive(object, name, where).getAsString();
    }

    static String textOr(final JsonObject object, final String name, final String otherwise)
    {
        final JsonElement element = object.get(name);
        return element == null || !element.isJsonPrimitive() ? otherwise : element.getAsString();
    }

    /** A finite number. */
    static double number(final JsonObject object, final String name, final String where)
    {
        final double value = numberOrNaN(object, name, where);
        if (!Double.isFinite(value))
        {
            throw new ReportInputException(where + ": " + name + " is not a finite number: " + object.get(name));
        }
        return value;
    }

    /** A number, or the string JMH writes for none ({@code "NaN"}, a score error of one fork): NaN. */
    static double numberOrNaN(final JsonObject object, final String name, final String where)
    {
        final JsonElement element = primitive(object, name, where);
        try
        {
            final double value = element.getAsDouble();
            if (Double.isInfinite(value))
            {
                throw new ReportInputException(where + ": " + name + " is not a finite number: " + element);
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new ReportInputException(where + ": " + name + " is not a number: " + element);
        }
    }

    private static JsonElement primitive(final JsonObject object, final String name, final String where)
    {
        final JsonElement element = object.get(name);
        if (element == null || !element.isJsonPrimitive())
        {
            throw new ReportInputException(where + " has no " + name);
        }
        return element;
    }
}
