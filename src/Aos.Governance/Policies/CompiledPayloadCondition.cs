using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Aos.Governance.Policies;

/// <summary>Evaluates a <see cref="PayloadCondition"/> compiled at load: parsed path, numeric bound, scalar values and regular expression.</summary>
internal sealed class CompiledPayloadCondition
{
    private readonly PayloadPath _path;
    private readonly PayloadOperator _op;
    private readonly double _number;
    private readonly Scalar[] _values;
    private readonly bool _exists;
    private readonly Regex? _regex;
    private readonly string _valueText;

    public CompiledPayloadCondition(PayloadCondition condition)
    {
        _path = PayloadPath.Parse(condition.Path);
        _op = condition.Operator;
        var value = default(JsonElement);
        if (condition.Value is not null)
        {
            using var document = JsonDocument.Parse(condition.Value.ToJsonString());
            value = document.RootElement.Clone();
        }

        _valueText = condition.Value?.ToJsonString() ?? "null";
        _values = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(Scalar.From)] : [Scalar.From(value)];
        _number = value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;
        _exists = value.ValueKind != JsonValueKind.False;
        _regex = _op == PayloadOperator.Matches ? CreateRegex(value.GetString()!) : null;
    }

    public static string? ValidateValue(PayloadOperator op, JsonNode? value)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        switch (op)
        {
            case PayloadOperator.GreaterThan or PayloadOperator.GreaterThanOrEqual or PayloadOperator.LessThan or PayloadOperator.LessThanOrEqual:
                return kind == JsonValueKind.Number ? null : $"'{Name(op)}' compares numbers: its value must be a number, not {Describe(kind)}";
            case PayloadOperator.Equal or PayloadOperator.NotEqual:
                return IsScalar(kind) ? null : $"'{Name(op)}' compares one value: its value must be a string, number, Boolean or null, not {Describe(kind)}";
            case PayloadOperator.In:
                return value is JsonArray array && array.Count > 0 && array.All(v => IsScalar(v?.GetValueKind() ?? JsonValueKind.Null))
                    ? null
                    : "'in' needs a non-empty list of strings, numbers, Booleans or nulls as its value";
            case PayloadOperator.Exists:
                return kind is JsonValueKind.Null or JsonValueKind.True or JsonValueKind.False ? null : $"'exists' takes true, false or no value, not {Describe(kind)}";
            case PayloadOperator.Matches:
                if (kind != JsonValueKind.String)
                {
                    return $"'matches' needs a regular expression string as its value, not {Describe(kind)}";
                }

                try
                {
                    CreateRegex(value!.GetValue<string>());
                    return null;
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    return $"'{value!.GetValue<string>()}' is not a regular expression this engine runs (linear-time, no backreferences or lookarounds): {e.Message}";
                }

            default:
                return $"unknown operator {op}";
        }
    }

    public static string Name(PayloadOperator op) => op switch
    {
        PayloadOperator.Equal => "eq",
        PayloadOperator.NotEqual => "ne",
        PayloadOperator.GreaterThan => "gt",
        PayloadOperator.GreaterThanOrEqual => "gte",
        PayloadOperator.LessThan => "lt",
        PayloadOperator.LessThanOrEqual => "lte",
        PayloadOperator.In => "in",
        PayloadOperator.Exists => "exists",
        _ => "matches",
    };

    public bool Holds(JsonElement? payload)
    {
        var actual = default(JsonElement);
        var found = payload is { } root && _path.TryResolve(root, out actual);
        if (_op == PayloadOperator.Exists)
        {
            return found == _exists;
        }

        if (!found)
        {
            return false;
        }

        return _op switch
        {
            PayloadOperator.GreaterThan => actual.ValueKind == JsonValueKind.Number && actual.GetDouble() > _number,
            PayloadOperator.GreaterThanOrEqual => actual.ValueKind == JsonValueKind.Number && actual.GetDouble() >= _number,
            PayloadOperator.LessThan => actual.ValueKind == JsonValueKind.Number && actual.GetDouble() < _number,
            PayloadOperator.LessThanOrEqual => actual.ValueKind == JsonValueKind.Number && actual.GetDouble() <= _number,
            PayloadOperator.Equal => ScalarEquals(actual, _values[0]),
            PayloadOperator.NotEqual => !ScalarEquals(actual, _values[0]),
            PayloadOperator.In => InValues(actual),
            _ => actual.ValueKind == JsonValueKind.String && _regex!.IsMatch(actual.GetString()!),
        };
    }

    public string Describe(JsonElement? payload)
    {
        if (_op == PayloadOperator.Exists)
        {
            return _exists ? $"{_path.Text} is present" : $"{_path.Text} is absent";
        }

        _path.TryResolve(payload!.Value, out var actual);
        var symbol = _op switch
        {
            PayloadOperator.GreaterThan => ">",
            PayloadOperator.GreaterThanOrEqual => ">=",
            PayloadOperator.LessThan => "<",
            PayloadOperator.LessThanOrEqual => "<=",
            PayloadOperator.Equal => "=",
            PayloadOperator.NotEqual => "!=",
            PayloadOperator.In => "in",
            _ => "matches",
        };

        // Only a field's scalar value is quoted, never a whole object: explanations may leave the process.
        var shown = actual.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? actual.ValueKind.ToString().ToLowerInvariant() : actual.GetRawText();
        return $"{_path.Text} {shown} {symbol} {_valueText}";
    }

    private bool InValues(JsonElement actual)
    {
        foreach (var value in _values)
        {
            if (ScalarEquals(actual, value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ScalarEquals(JsonElement actual, Scalar expected) => expected.Kind switch
    {
        JsonValueKind.String => actual.ValueKind == JsonValueKind.String && actual.ValueEquals(expected.Utf8),
        JsonValueKind.Number => actual.ValueKind == JsonValueKind.Number && actual.GetDouble() == expected.Number,
        _ => actual.ValueKind == expected.Kind,
    };

    private static bool IsScalar(JsonValueKind kind) => kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "a Boolean",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "no value",
        _ => "a " + kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    // A value compared on every call, decoded once: strings as UTF-8 so that no string is allocated to compare.
    private readonly record struct Scalar(JsonValueKind Kind, byte[] Utf8, double Number)
    {
        public static Scalar From(JsonElement value) => new(
            value.ValueKind,
            value.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(value.GetString()!) : [],
            value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0);
    }

    private static Regex CreateRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}
