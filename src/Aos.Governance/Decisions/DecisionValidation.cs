namespace Aos.Governance.Decisions;

/// <summary>Checks decisions, naming the field that is wrong.</summary>
internal static class DecisionValidation
{
    private const int MaxReferences = 100;

    public static Decision Validate(DecisionRequest request)
    {
        var decidedBy = Text(request.DecidedBy, "decidedBy", 256);
        var choice = Text(request.Choice, "choice", 1_000);
        var rationale = Text(request.Rationale, "rationale", 10_000);
        if (request.Options.Count > MaxReferences)
        {
            throw new AosValidationException($"A decision considers at most {MaxReferences} options; it has {request.Options.Count}.") { Field = "options", TooLarge = true };
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in request.Options)
        {
            var name = Text(option?.Name, "options.name", 1_000);
            if (!names.Add(name))
            {
                throw new AosValidationException($"The option '{name}' is listed twice: option names must be unique.") { Field = "options" };
            }
        }

        if (names.Count > 0 && !names.Contains(choice))
        {
            throw new AosValidationException($"The choice '{choice}' is not one of the options considered ({string.Join(", ", names)}): choose one of them or add it.") { Field = "choice" };
        }

        if (request.Context is { ValueKind: System.Text.Json.JsonValueKind.Undefined })
        {
            throw new AosValidationException("The context must be a JSON value.") { Field = "context" };
        }

        return new Decision
        {
            Id = string.Empty,
            Tenant = string.Empty,
            Time = default,
            DecidedBy = decidedBy,
            Context = request.Context,
            Options = [.. request.Options.Select(o => o with { Name = o.Name.Trim() })],
            Choice = choice,
            Rationale = rationale,
            Evidence = References(request.Evidence, "evidence"),
            Approvals = References(request.Approvals, "approvals"),
            AuditEntries = References(request.AuditEntries, "auditEntries"),
        };
    }

    public static string Reference(string? value, string field) => Text(value, field, 2_048);

    private static string[] References(IReadOnlyList<string> values, string field) =>
        values.Count <= MaxReferences
            ? [.. values.Select(v => Reference(v, field)).Distinct(StringComparer.Ordinal)]
            : throw new AosValidationException($"A decision has at most {MaxReferences} {field}; it has {values.Count}.") { Field = field, TooLarge = true };

    private static string Text(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new AosValidationException($"The {field} is required.") { Field = field };
        }

        var trimmed = value.Trim();
        return trimmed.Length <= maxLength
            ? trimmed
            : throw new AosValidationException($"The {field} is at most {maxLength} characters; it has {trimmed.Length}.") { Field = field, TooLarge = true };
    }
}
