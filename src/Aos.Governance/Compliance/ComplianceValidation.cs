using Aos.Governance.Policies;

namespace Aos.Governance.Compliance;

/// <summary>Checks a framework and compiles it; an error names the field (such as <c>controls[1].preconditions[0].operator</c>) and the reason.</summary>
internal static class ComplianceValidation
{
    private const int MaxControls = 500;
    private const int MaxConditions = 50;

    public static CompiledFramework Compile(ComplianceFramework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ValidateId(framework.Id);
        Text(framework.Name, "name", 200);
        Text(framework.Version, "version", 50);
        if (framework.Controls is not { Count: > 0 and <= MaxControls })
        {
            throw Invalid("controls", $"a framework needs 1 to {MaxControls} controls");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var controls = new CompiledControl[framework.Controls.Count];
        for (var i = 0; i < controls.Length; i++)
        {
            var field = $"controls[{i}]";
            var control = framework.Controls[i] ?? throw Invalid(field, "a control cannot be null");
            Text(control.Id, field + ".id", 50);
            if (!ids.Add(control.Id))
            {
                throw Invalid(field + ".id", $"the control id '{control.Id}' is used twice: each control needs its own id");
            }

            Text(control.Title, field + ".title", 200);
            controls[i] = new CompiledControl(
                control,
                Globs(control.Actions, field + ".actions", required: true)!,
                Conditions(control.Preconditions, field + ".preconditions"),
                Conditions(control.Postconditions, field + ".postconditions"));
            if (control.Preconditions.Count + control.Postconditions.Count == 0)
            {
                throw Invalid(field, "a control needs at least one pre- or post-condition to check");
            }
        }

        return new CompiledFramework(framework, controls);
    }

    public static void ValidateId(string? id)
    {
        if (id is not { Length: > 0 and <= 64 } || !char.IsAsciiLetterLower(id[0]) || !id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            throw Invalid("id", $"the framework id '{id}' is not valid: use 1 to 64 lowercase letters, digits, '-' and '.', starting with a letter");
        }
    }

    private static CompiledCondition[] Conditions(IReadOnlyList<ComplianceCondition>? conditions, string field)
    {
        if (conditions is null || conditions.Count > MaxConditions)
        {
            throw Invalid(field, $"give 0 to {MaxConditions} conditions");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new CompiledCondition[conditions.Count];
        for (var i = 0; i < compiled.Length; i++)
        {
            var at = $"{field}[{i}]";
            var condition = conditions[i] ?? throw Invalid(at, "a condition cannot be null");
            Text(condition.Id, at + ".id", 50);
            if (!ids.Add(condition.Id))
            {
                throw Invalid(at + ".id", $"the condition id '{condition.Id}' is used twice in this list");
            }

            var actions = condition.Actions is { Count: > 0 } ? Globs(condition.Actions, at + ".actions", required: false) : null;
            var when = (condition.When ?? []).Select((w, j) => Field(w?.Path, w?.Operator, w?.Value, $"{at}.when[{j}]")).ToArray();
            CompiledFieldCondition? compiledField = null;
            if (condition.Check is { } check)
            {
                if (!ComplianceChecks.All.Contains(check, StringComparer.Ordinal))
                {
                    throw Invalid(at + ".check", $"'{check}' is not a check: use {string.Join(" or ", ComplianceChecks.All)}");
                }

                if (condition.Path is not null || condition.Operator is not null || condition.Value is not null)
                {
                    throw Invalid(at, "a condition is either a check or a field condition (path, operator, value), not both");
                }
            }
            else
            {
                compiledField = Field(condition.Path, condition.Operator, condition.Value, at);
            }

            compiled[i] = new CompiledCondition(condition.Id, actions, when, compiledField, condition.Check);
        }

        return compiled;
    }

    private static CompiledFieldCondition Field(string? path, string? op, System.Text.Json.Nodes.JsonNode? value, string field)
    {
        var (condition, error, at) = CompiledFieldCondition.Compile(path, op, value, field);
        return condition ?? throw Invalid(at, error!);
    }

    private static GlobSet? Globs(IReadOnlyList<string>? globs, string field, bool required)
    {
        if (globs is not { Count: > 0 })
        {
            return required ? throw Invalid(field, "a control needs the actions it covers, such as 'api-key.*' or 'policy.write'") : null;
        }

        for (var i = 0; i < globs.Count; i++)
        {
            if (GlobSet.Validate(globs[i]) is { } error)
            {
                throw Invalid($"{field}[{i}]", error);
            }
        }

        return new GlobSet(globs);
    }

    private static void Text(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > max || value.Any(char.IsControl))
        {
            throw Invalid(field, $"'{field}' must be 1 to {max} characters without control characters");
        }
    }

    private static AosValidationException Invalid(string field, string reason) =>
        new($"The compliance framework is not valid: {field}: {reason}. Nothing was stored.") { Field = field };
}
