using System.Text.Json;
using System.Text.RegularExpressions;
using Aos.Workflows;

namespace Aos.Kernel.Workflows;

/// <summary>Validates workflow definitions when they are registered, with errors that name the step or the cycle at fault.</summary>
public static partial class WorkflowValidator
{
    /// <summary>The step kinds every node knows.</summary>
    public static readonly IReadOnlySet<string> BuiltInKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "agent-request", "publish", "signal", "approval", "timer", "workflow",
    };

    /// <summary>Validates a definition.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="extensionKinds">Step kinds registered as extensions, besides the built-in ones.</param>
    /// <exception cref="AosValidationException">The definition is invalid; <see cref="AosValidationException.Field"/> names the part.</exception>
    public static void Validate(WorkflowDefinition definition, IReadOnlySet<string>? extensionKinds = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Name is null || !NamePattern().IsMatch(definition.Name))
        {
            throw Invalid("name", $"The workflow name '{definition.Name}' is invalid: use 1–128 letters, digits, '.', '-' or '_'.");
        }

        var where = $"Workflow '{definition.Name}'";
        if (definition.Steps is null || definition.Steps.Count == 0)
        {
            throw Invalid("steps", $"{where} has no steps.");
        }

        if (definition.MaxIterations is { } max)
        {
            if (max < 1)
            {
                throw Invalid("maxIterations", $"{where} has maxIterations {max}; it must be 1 or more, or left out for no limit.");
            }

            if (!definition.ContinueAsNew)
            {
                throw Invalid("maxIterations", $"{where} sets maxIterations without continueAsNew; only a run that continues as new has iterations. Set continueAsNew or remove maxIterations.");
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step?.Id is null || !NamePattern().IsMatch(step.Id))
            {
                throw Invalid($"steps[{i}].id", $"{where}: step {i} has an invalid id '{step?.Id}'; use letters, digits, '.', '-' or '_'.");
            }

            if (!ids.Add(step.Id))
            {
                throw Invalid($"steps[{i}].id", $"{where}: the step id '{step.Id}' is used twice.");
            }

            CheckKind(step.Kind, $"steps[{i}].kind", $"{where}: step '{step.Id}'", extensionKinds);
            if (step.Compensation is { } compensation)
            {
                CheckKind(compensation.Kind, $"steps[{i}].compensation.kind", $"{where}: the compensation of step '{step.Id}'", extensionKinds);
            }

            CheckInput(step.Input, $"steps[{i}].input", $"{where}: the input of step '{step.Id}'");
            CheckInput(step.Compensation?.Input, $"steps[{i}].compensation.input", $"{where}: the compensation input of step '{step.Id}'");
            if (step.MaxAttempts is < 1 or > 100)
            {
                throw Invalid($"steps[{i}].maxAttempts", $"{where}: step '{step.Id}' has maxAttempts {step.MaxAttempts}; it must be between 1 and 100.");
            }

            if (step.RetryDelay < TimeSpan.Zero || step.Timeout is { } t && t <= TimeSpan.Zero)
            {
                throw Invalid($"steps[{i}].{(step.RetryDelay < TimeSpan.Zero ? "retryDelay" : "timeout")}", $"{where}: step '{step.Id}' needs a retry delay of zero or more and a positive timeout.");
            }
        }

        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            foreach (var dependency in step.DependsOn ?? [])
            {
                if (dependency == step.Id)
                {
                    throw Invalid($"steps[{i}].dependsOn", $"{where}: step '{step.Id}' depends on itself.");
                }

                if (!ids.Contains(dependency))
                {
                    throw Invalid($"steps[{i}].dependsOn", $"{where}: step '{step.Id}' depends on '{dependency}', which is not a step; the steps are {string.Join(", ", ids)}.");
                }
            }
        }

        if (FindCycle(definition.Steps) is { } cycle)
        {
            throw Invalid("steps", $"{where} has a dependency cycle: {string.Join(" → ", cycle)}. A step cannot wait, directly or not, for itself.");
        }
    }

    /// <summary>Finds one dependency cycle, as the step ids along it with the first repeated at the end, or <see langword="null"/>.</summary>
    internal static IReadOnlyList<string>? FindCycle(IReadOnlyList<WorkflowStep> steps)
    {
        var dependsOn = steps.ToDictionary(s => s.Id, s => s.DependsOn ?? [], StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = done
        var path = new List<string>();
        foreach (var step in steps)
        {
            if (Visit(step.Id) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        List<string>? Visit(string id)
        {
            if (state.GetValueOrDefault(id) == 2)
            {
                return null;
            }

            if (state.GetValueOrDefault(id) == 1)
            {
                return [.. path.Skip(path.IndexOf(id)), id];
            }

            state[id] = 1;
            path.Add(id);
            foreach (var next in dependsOn[id])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
            return null;
        }
    }

    private static void CheckKind(string? kind, string field, string what, IReadOnlySet<string>? extensionKinds)
    {
        if (kind is null || !BuiltInKinds.Contains(kind) && extensionKinds?.Contains(kind) != true)
        {
            var known = BuiltInKinds.Concat(extensionKinds ?? new HashSet<string>()).Order(StringComparer.Ordinal);
            throw Invalid(field, $"{what} has the kind '{kind}', which no node knows; use one of {string.Join(", ", known)}.");
        }
    }

    private static void CheckInput(string? input, string field, string what)
    {
        if (input is not null && !IsJsonObject(input))
        {
            throw Invalid(field, $"{what} is not a JSON object; give the input as an object of named values, such as {{\"topic\": \"orders\"}}.");
        }
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static AosValidationException Invalid(string field, string message) => new(message) { Field = field };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
