namespace Aos.Governance.Policies;

/// <summary>Matches a value against a list of globs compiled at load: <c>*</c>, <c>prefix*</c> or an exact value, compared ordinally.</summary>
internal sealed class GlobSet
{
    private readonly string[] _exact;
    private readonly string[] _prefixes;
    private readonly bool _any;

    public GlobSet(IReadOnlyList<string> globs)
    {
        _any = globs.Contains("*");
        _exact = [.. globs.Where(g => !g.EndsWith('*'))];
        _prefixes = [.. globs.Where(g => g.Length > 1 && g.EndsWith('*')).Select(g => g[..^1])];
    }

    public static string? Validate(string glob)
    {
        if (string.IsNullOrWhiteSpace(glob))
        {
            return "a glob cannot be empty: use '*' for any value";
        }

        var star = glob.IndexOf('*', StringComparison.Ordinal);
        return star >= 0 && star != glob.Length - 1
            ? $"'{glob}' is not a valid glob: '*' may only end it (use '*', 'prefix*' or an exact value)"
            : null;
    }

    public bool Matches(string? value)
    {
        if (value is null)
        {
            return false;
        }

        if (_any)
        {
            return true;
        }

        foreach (var exact in _exact)
        {
            if (string.Equals(value, exact, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var prefix in _prefixes)
        {
            if (value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public string Describe(string name, string value)
    {
        if (_exact.Contains(value, StringComparer.Ordinal))
        {
            return $"{name} is '{value}'";
        }

        var prefix = _prefixes.FirstOrDefault(p => value.StartsWith(p, StringComparison.Ordinal));
        return $"{name} '{value}' matches '{(prefix is null ? "*" : prefix + "*")}'";
    }
}
