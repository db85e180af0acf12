using System.Buffers;
using System.Text.Json;

namespace Aos.Storage;

/// <summary>Converts table entity properties to and from the typed JSON object that SQL backends store them as.</summary>
/// <remarks>
/// Each property is <c>"name": {"t": type, "v": value}</c>, with type <c>s</c> (string), <c>b</c> (bool), <c>i32</c>, <c>i64</c>, <c>f64</c>,
/// <c>dt</c> (time as <see cref="StorageValues.FormatTime"/> text), <c>g</c> (GUID, lowercase <c>D</c> format) or <c>bin</c> (base64), so that every
/// value comes back with its type and a query can compare <c>v</c> after checking <c>t</c> (see <see cref="TypeCodes"/>).
/// </remarks>
public static class TableEntityJson
{
    /// <summary>Gets the JSON type codes a condition value of each comparable kind matches.</summary>
    /// <param name="kind">The condition value's kind.</param>
    /// <returns>The type codes.</returns>
    public static IReadOnlyList<string> TypeCodes(StorageValueKind kind) => kind switch
    {
        StorageValueKind.Text => ["s"],
        StorageValueKind.Number => ["i32", "i64", "f64"],
        StorageValueKind.Boolean => ["b"],
        StorageValueKind.Time => ["dt"],
        StorageValueKind.Identifier => ["g"],
        _ => ["bin"],
    };

    /// <summary>Converts a condition value to the form its <c>v</c> is stored in: times to their text, GUIDs to lowercase text, other values as they are.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The stored form.</returns>
    public static object StoredForm(object value) => value switch
    {
        DateTimeOffset time => StorageValues.FormatTime(time),
        Guid guid => guid.ToString("D"),
        int i => (long)i,
        _ => value,
    };

    /// <summary>Writes an entity's properties (validated by <see cref="StorageValues.ValidateEntity"/>) as the typed JSON object.</summary>
    /// <param name="properties">The properties; <see langword="null"/> values are left out.</param>
    /// <returns>The JSON text.</returns>
    public static string Write(IReadOnlyDictionary<string, object?> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                if (value is null)
                {
                    continue;
                }

                writer.WriteStartObject(name);
                switch (value)
                {
                    case string s: writer.WriteString("t", "s"); writer.WriteString("v", s); break;
                    case bool b: writer.WriteString("t", "b"); writer.WriteBoolean("v", b); break;
                    case int i: writer.WriteString("t", "i32"); writer.WriteNumber("v", i); break;
                    case long l: writer.WriteString("t", "i64"); writer.WriteNumber("v", l); break;
                    case double d: writer.WriteString("t", "f64"); writer.WriteNumber("v", d); break;
                    case DateTimeOffset t: writer.WriteString("t", "dt"); writer.WriteString("v", StorageValues.FormatTime(t)); break;
                    case Guid g: writer.WriteString("t", "g"); writer.WriteString("v", g.ToString("D")); break;
                    case byte[] bytes: writer.WriteString("t", "bin"); writer.WriteBase64String("v", bytes); break;
                    default: _ = StorageValues.KindOf(value, name); break;
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads properties written by <see cref="Write"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The properties, each with its type.</returns>
    /// <exception cref="FormatException">The text is not the typed JSON object.</exception>
    public static Dictionary<string, object?> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value.GetProperty("v");
            properties[property.Name] = property.Value.GetProperty("t").GetString() switch
            {
                "s" => value.GetString(),
                "b" => value.GetBoolean(),
                "i32" => value.GetInt32(),
                "i64" => value.GetInt64(),
                "f64" => value.GetDouble(),
                "dt" => StorageValues.ParseTime(value.GetString()!),
                "g" => Guid.Parse(value.GetString()!),
                "bin" => value.GetBytesFromBase64(),
                var type => throw new FormatException($"Property '{property.Name}' has the unknown type code '{type}'."),
            };
        }

        return properties;
    }
}
