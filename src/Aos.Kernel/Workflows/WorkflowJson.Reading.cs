using System.Text.Json;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

public static partial class WorkflowJson
{
    private static readonly string[] DefinitionProperties = ["name", "description", "continueAsNew", "maxIterations", "steps"];
    private static readonly string[] StepProperties = ["id", "kind", "dependsOn", "input", "maxAttempts", "retryDelay", "timeout", "compensation"];
    private static readonly string[] CompensationProperties = ["kind", "input"];

    // The record's defaults, so that a property left out means what it means in code.
    private static readonly WorkflowStep DefaultStep = new() { Id = "-", Kind = "-" };

    private static WorkflowDefinition ReadDefinition(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new AosValidationException($"The workflow definition is {Shown(root)}; it must be a JSON object with a name and steps.");
        }

        var part = new Part(Find(root, "name") is { ValueKind: JsonValueKind.String } n ? $"Workflow '{n.GetString()}'" : "The workflow definition", string.Empty);
        string? name = null, description = null;
        var continueAsNew = false;
        int? maxIterations = null;
        List<WorkflowStep> steps = [];
        foreach (var (property, value) in part.Properties(root, DefinitionProperties, "a workflow"))
        {
            switch (property)
            {
                case "name": name = part.Text(value, property); break;
                case "description": description = part.Text(value, property); break;
                case "continueAsNew": continueAsNew = part.Flag(value, property); break;
                case "maxIterations": maxIterations = part.Whole(value, property); break;
                default: steps = ReadSteps(value, part); break;
            }
        }

        return new WorkflowDefinition
        {
            Name = name ?? throw new AosValidationException("The workflow definition has no name; give it one of 1–128 letters, digits, '.', '-' or '_'.") { Field = "name" },
            Description = description,
            ContinueAsNew = continueAsNew,
            MaxIterations = maxIterations,
            Steps = steps,
        };
    }

    private static List<WorkflowStep> ReadSteps(JsonElement value, Part workflow)
    {
        return value.ValueKind switch
        {
            JsonValueKind.Null => [],
            JsonValueKind.Array => [.. value.EnumerateArray().Select(ReadStep)],
            _ => throw workflow.Wrong("steps", value, "it must be a list of steps, each an object with an id and a kind"),
        };

        WorkflowStep ReadStep(JsonElement element, int index)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new AosValidationException($"{workflow.Subject}: step {index} is {Shown(element)}; each step must be an object with an id and a kind.") { Field = $"steps[{index}]" };
            }

            var label = Find(element, "id") is { ValueKind: JsonValueKind.String } i ? $"step '{i.GetString()}'" : $"step {index}";
            var part = new Part($"{workflow.Subject}: {label}", $"steps[{index}].");
            var step = DefaultStep;
            string? id = null, kind = null;
            foreach (var (property, item) in part.Properties(element, StepProperties, "a step"))
            {
                switch (property)
                {
                    case "id": id = part.Text(item, property); break;
                    case "kind": kind = part.Text(item, property); break;
                    case "dependsOn": step = step with { DependsOn = part.Ids(item, property) }; break;
                    case "input": step = step with { Input = part.Input(item, property) }; break;
                    case "maxAttempts": step = step with { MaxAttempts = part.Whole(item, property) ?? DefaultStep.MaxAttempts }; break;
                    case "retryDelay": step = step with { RetryDelay = part.Duration(item, property) ?? DefaultStep.RetryDelay }; break;
                    case "timeout": step = step with { Timeout = part.Duration(item, property) }; break;
                    default: step = step with { Compensation = ReadCompensation(item, part, $"{workflow.Subject}: the compensation of {label}", index) }; break;
                }
            }

            return step with
            {
                Id = id ?? throw new AosValidationException($"{workflow.Subject}: step {index} has no id; give every step an id, unique in the workflow, of letters, digits, '.', '-' or '_'.") { Field = $"steps[{index}].id" },
                Kind = kind ?? throw part.Missing("kind", "set kind to what the step does, such as agent-request, publish or timer"),
            };
        }
    }

    private static WorkflowCompensation? ReadCompensation(JsonElement value, Part step, string subject, int index)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw step.Wrong("compensation", value, "it must be an object with the kind and the input of the step that undoes this one");
        }

        var part = new Part(subject, $"steps[{index}].compensation.");
        string? kind = null, input = null;
        foreach (var (property, item) in part.Properties(value, CompensationProperties, "a compensation"))
        {
            if (property == "kind")
            {
                kind = part.Text(item, property);
            }
            else
            {
                input = part.Input(item, property);
            }
        }

        return new WorkflowCompensation(kind ?? throw part.Missing("kind", "set kind to what undoes the step, such as agent-request or publish"), input);
    }

    private static JsonElement? Find(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string Shown(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.GetString() is { Length: > 40 } text => $"'{text[..40]}…'",
        JsonValueKind.String => $"'{value.GetString()}'",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => value.GetRawText(),
    };

    /// <summary>One object of the document: what messages call it, and the prefix of the fields in it.</summary>
    private readonly record struct Part(string Subject, string Field)
    {
        public IEnumerable<(string Name, JsonElement Value)> Properties(JsonElement element, string[] known, string what)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var name = Array.Find(known, k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new AosValidationException($"{Subject} has an unknown property '{property.Name}'; the properties of {what} are {string.Join(", ", known)}.") { Field = Field + property.Name };
                if (!seen.Add(name))
                {
                    throw new AosValidationException($"{Subject} has the property '{name}' twice; keep one.") { Field = Field + name };
                }

                yield return (name, property.Value);
            }
        }

        public string? Text(JsonElement value, string property) => value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => throw Wrong(property, value, "it must be text, in quotes"),
        };

        public bool Flag(JsonElement value, string property) => value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.False => false,
            JsonValueKind.True => true,
            _ => throw Wrong(property, value, "it must be true or false"),
        };

        public int? Whole(JsonElement value, string property) => value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            _ => throw Wrong(property, value, "it must be a whole number, such as 3, without quotes"),
        };

        public TimeSpan? Duration(JsonElement value, string property)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;

            // A bare number would read as days; make the unit explicit.
            return text is not null && !text.Trim().All(char.IsAsciiDigit) && Durations.TryParse(text, out var duration)
                ? duration
                : throw Wrong(property, value, $"that is not a duration with a unit; write it as {Durations.Forms}");
        }

        public string? Input(JsonElement value, string property) => value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Object => Compact(value),
            _ => throw Wrong(property, value, "it must be a JSON object of named values, such as {\"topic\": \"orders\"}"),
        };

        public IReadOnlyList<string> Ids(JsonElement value, string property) => value.ValueKind switch
        {
            JsonValueKind.Null => [],
            JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => [.. value.EnumerateArray().Select(e => e.GetString()!)],
            _ => throw Wrong(property, value, "it must be a list of step ids, such as [\"fetch\", \"price\"]"),
        };

        public AosValidationException Wrong(string property, JsonElement value, string problem) =>
            new($"{Subject} has {property} {(value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? "as " : string.Empty)}{Shown(value)}: {problem}.") { Field = Field + property };

        public AosValidationException Missing(string property, string fix) =>
            new($"{Subject} has no {property}; {fix}.") { Field = Field + property };
    }
}
