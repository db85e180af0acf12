using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.StateMachines;

namespace Aos.Kernel.StateMachines;

/// <summary>Evaluates <see cref="GuardCondition"/>s on an instance's context.</summary>
internal static class GuardEvaluator
{
    internal static readonly string[] Ops = ["eq", "ne", "lt", "le", "gt", "ge", "exists"];

    /// <summary>Tells what is wrong with a condition, or <see langword="null"/> when it is well formed.</summary>
    public static string? Problem(GuardCondition condition)
    {
        if (condition.All is not null || condition.Any is not null)
        {
            if (condition.All is not null && condition.Any is not null)
            {
                return "a condition sets both 'all' and 'any'; nest one inside the other instead.";
            }

            return (condition.All ?? condition.Any)!.Select(Problem).FirstOrDefault(p => p is not null);
        }

        if (string.IsNullOrWhiteSpace(condition.Field))
        {
            return "a comparison needs a 'field' (a dotted path into the context).";
        }

        if (condition.Op is null || !Ops.Contains(condition.Op, StringComparer.Ordinal))
        {
            return $"'{condition.Op}' is not an operator; use one of {string.Join(", ", Ops)}.";
        }

        return condition.Op != "exists" && condition.Value is null ? $"the comparison '{condition.Field} {condition.Op}' needs a 'value'." : null;
    }

    public static bool Holds(GuardCondition condition, JsonObject context)
    {
        if (condition.All is { } all)
        {
            return all.All(c => Holds(c, context));
        }

        if (condition.Any is { } any)
        {
            return any.Any(c => Holds(c, context));
        }

        var actual = Find(context, condition.Field!);
        if (condition.Op == "exists")
        {
            return actual is not null;
        }

        var expected = condition.Value!.Value;
        if (condition.Op is "eq" or "ne")
        {
            var equal = actual is not null && JsonElement.DeepEquals(ToElement(actual), expected)
                || actual is null && expected.ValueKind == JsonValueKind.Null;
            return condition.Op == "eq" ? equal : !equal;
        }

        var order = Compare(actual, expected);
        return order is { } o && condition.Op switch
        {
            "lt" => o < 0,
            "le" => o <= 0,
            "gt" => o > 0,
            _ => o >= 0,
        };
    }

    private static JsonNode? Find(JsonObject context, string path)
    {
        JsonNode? node = context;
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var next) ? next : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static JsonElement ToElement(JsonNode node) => JsonElement.Parse(node.ToJsonString());

    /// <summary>Orders two numbers or two strings; anything else does not compare (the guard is false).</summary>
    private static int? Compare(JsonNode? actual, JsonElement expected)
    {
        if (actual is not JsonValue)
        {
            return null;
        }

        var element = ToElement(actual);
        return (element.ValueKind, expected.ValueKind) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) => element.GetDecimal().CompareTo(expected.GetDecimal()),
            (JsonValueKind.String, JsonValueKind.String) => string.CompareOrdinal(element.GetString(), expected.GetString()),
            _ => null,
        };
    }
}
