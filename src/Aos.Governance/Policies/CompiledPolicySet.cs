namespace Aos.Governance.Policies;

/// <summary>Represents an immutable set of validated policies compiled to matchers; the engine swaps whole sets.</summary>
internal sealed class CompiledPolicySet
{
    public static readonly CompiledPolicySet Empty = new([], []);

    private CompiledPolicySet(IReadOnlyList<PolicyDocument> documents, CompiledRule[] rules)
    {
        Documents = documents;
        Rules = rules;
    }

    public IReadOnlyList<PolicyDocument> Documents { get; }

    public CompiledRule[] Rules { get; }

    /// <summary>Validates and compiles policies; throws <see cref="AosValidationException"/> naming the policy and rule on the first error.</summary>
    public static CompiledPolicySet Compile(IEnumerable<PolicyDocument> policies)
    {
        var documents = policies.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            if (string.IsNullOrWhiteSpace(document.Name))
            {
                throw new AosValidationException($"A policy{From(document)} has no name: give every policy a unique name.") { Field = "name" };
            }

            if (!names.Add(document.Name))
            {
                throw new AosValidationException(
                    $"Two policies are named '{document.Name}'{From(document)}: policy names must be unique.") { Field = "name" };
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in document.Rules)
            {
                var error = string.IsNullOrWhiteSpace(rule.Id) ? "a rule has no id"
                    : !ids.Add(rule.Id) ? $"the rule id '{rule.Id}' is used twice"
                    : PolicyValidation.ValidateRule(rule);
                if (error is not null)
                {
                    throw new AosValidationException($"Policy '{document.Name}'{From(document)}, rule '{rule.Id}': {error}.") { Field = rule.Id };
                }
            }
        }

        return new CompiledPolicySet(documents, [.. documents.SelectMany(d => d.Rules.Select(r => new CompiledRule(d, r)))]);
    }

    private static string From(PolicyDocument document) => document.Source is null ? string.Empty : $" (from {document.Source})";
}
