using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Policies;

namespace Aos.Governance.Compliance;

/// <summary>Evaluates a field condition over an audit entry with the policy engine's compiled payload conditions.</summary>
internal sealed class CompiledFieldCondition
{
    private readonly CompiledPayloadCondition _condition;
    private readonly string[] _segments;
    private readonly string _operator;
    private readonly string _valueText;

    private CompiledFieldCondition(string path, PayloadOperator op, string operatorName, JsonNode? value)
    {
        Path = path;
        _segments = path.Split('.');
        _operator = operatorName;
        _valueText = value?.ToJsonString() ?? "null";
        _condition = new CompiledPayloadCondition(new PayloadCondition { Path = "payload." + path, Operator = op, Value = value });
    }

    public string Path { get; }

    /// <summary>Checks and compiles a condition; returns the error and the field it concerns, or the compiled condition.</summary>
    public static (CompiledFieldCondition? Condition, string? Error, string Field) Compile(string? path, string? operatorName, JsonNode? value, string field)
    {
        if (AuditEntryFields.ValidatePath(path) is { } pathError)
        {
            return (null, pathError, field + ".path");
        }

        if (ParseOperator(operatorName) is not { } op)
        {
            return (null, $"'{operatorName}' is not an operator: use eq, ne, gt, gte, lt, lte, in, exists or matches", field + ".operator");
        }

        return CompiledPayloadCondition.ValidateValue(op, value) is { } valueError
            ? (null, valueError, field + ".value")
            : (new CompiledFieldCondition(path!, op, operatorName!, value), null, field);
    }

    public bool Holds(JsonElement entry) => _condition.Holds(entry);

    /// <summary>Says why the condition failed, quoting only a scalar value: results may leave the process.</summary>
    public string DescribeFailure(JsonElement entry)
    {
        var actual = entry;
        foreach (var segment in _segments)
        {
            if (actual.ValueKind != JsonValueKind.Object || !actual.TryGetProperty(segment, out actual))
            {
                return _operator == "exists" && _valueText == "false" ? $"{Path} is present" : $"{Path} is absent";
            }
        }

        var shown = actual.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? "an " + (actual.ValueKind == JsonValueKind.Object ? "object" : "array") : actual.GetRawText();
        return _operator == "exists" ? $"{Path} is present" : $"{Path} is {shown}, not {_operator} {_valueText}";
    }

    private static PayloadOperator? ParseOperator(string? name) => name switch
    {
        "eq" => PayloadOperator.Equal,
        "ne" => PayloadOperator.NotEqual,
        "gt" => PayloadOperator.GreaterThan,
        "gte" => PayloadOperator.GreaterThanOrEqual,
        "lt" => PayloadOperator.LessThan,
        "lte" => PayloadOperator.LessThanOrEqual,
        "in" => PayloadOperator.In,
        "exists" => PayloadOperator.Exists,
        "matches" => PayloadOperator.Matches,
        _ => null,
    };
}
