using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aos.Governance.Policies;

/// <summary>Represents a parsed path into a payload, such as <c>payload.card.number</c>.</summary>
/// <remarks>Conditions read through objects only; redaction also goes through arrays, removing the field from every element.</remarks>
internal sealed class PayloadPath
{
    private const string Root = "payload";

    private PayloadPath(string text, string[] segments)
    {
        Text = text;
        Segments = segments;
        _utf8 = [.. segments.Select(Encoding.UTF8.GetBytes)];
    }

    // Property names are looked up as UTF-8 so that reading a payload does not transcode them on every call.
    private readonly byte[][] _utf8;

    public string Text { get; }

    public string[] Segments { get; }

    public static string? Validate(string path)
    {
        if (!path.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return $"'{path}' is not a payload path: it must start with 'payload.', such as 'payload.amount' or 'payload.card.number'";
        }

        return path.Split('.').Skip(1).Any(s => s.Length == 0 || s.Any(c => char.IsWhiteSpace(c) || c is '*' or '[' or ']'))
            ? $"'{path}' is not a payload path: its segments must be property names separated by single dots"
            : null;
    }

    public static PayloadPath Parse(string path)
    {
        var error = Validate(path);
        return error is null ? new PayloadPath(path, path.Split('.')[1..]) : throw new AosValidationException(error) { Field = path };
    }

    public bool TryResolve(JsonElement payload, out JsonElement value)
    {
        value = payload;
        foreach (var segment in _utf8)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }

        return true;
    }

    public void Remove(JsonNode? node) => Remove(node, 0);

    private void Remove(JsonNode? node, int index)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Remove(item, index);
                }

                break;
            case JsonObject obj when index == Segments.Length - 1:
                obj.Remove(Segments[index]);
                break;
            case JsonObject obj when obj.TryGetPropertyValue(Segments[index], out var child):
                Remove(child, index + 1);
                break;
        }
    }
}
