namespace Aos.Storage;

/// <summary>Checks the names and keys of storage items the same way for every backend, so that what one backend accepts every backend accepts.</summary>
/// <remarks>The rules are the intersection of what the backends allow (Azure Storage being the strictest), with room for the prefixes that scope stores to tenants and agents.</remarks>
public static class StorageNames
{
    /// <summary>Gets the longest store or collection name.</summary>
    public const int MaxNameLength = 40;

    /// <summary>Gets the longest partition key, row key or document id.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>Gets the longest blob name.</summary>
    public const int MaxBlobNameLength = 1024;

    /// <summary>Checks a store or collection name: 3 to 40 lowercase ASCII letters, digits and single hyphens, starting with a letter and ending with a letter or digit.</summary>
    /// <param name="name">The name.</param>
    /// <param name="field">The input's name, for the error.</param>
    /// <exception cref="AosValidationException">The name is not valid.</exception>
    public static void ValidateName(string name, string field = "name")
    {
        if (name is null || name.Length is < 3 or > MaxNameLength || !char.IsAsciiLetterLower(name[0]) || name[^1] == '-'
            || name.Any(c => !char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-') || name.Contains("--", StringComparison.Ordinal))
        {
            throw new AosValidationException(
                $"'{name}' is not a valid {field}: use 3 to {MaxNameLength} lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit (for example 'invoices' or 'audit-archive').")
            { Field = field };
        }
    }

    /// <summary>Checks a partition key, row key or document id: 1 to 512 characters, without <c>/ \ # ?</c> or control characters.</summary>
    /// <param name="key">The key.</param>
    /// <param name="field">The input's name, for the error.</param>
    /// <exception cref="AosValidationException">The key is not valid.</exception>
    public static void ValidateKey(string key, string field)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            throw new AosValidationException($"The {field} must be 1 to {MaxKeyLength} characters long.") { Field = field, TooLarge = key?.Length > MaxKeyLength };
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new AosValidationException($"The {field} '{Printable(key)}' contains '{Printable(c.ToString())}'; keys may not contain '/', '\\', '#', '?' or control characters.") { Field = field };
            }
        }
    }

    /// <summary>Checks a blob name: 1 to 1024 characters, segments separated by single <c>/</c>, no <c>.</c> or <c>..</c> segment, no <c>\</c> or control characters.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="AosValidationException">The name is not valid.</exception>
    public static void ValidateBlobName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxBlobNameLength)
        {
            throw new AosValidationException($"A blob name must be 1 to {MaxBlobNameLength} characters long.") { Field = "name", TooLarge = name?.Length > MaxBlobNameLength };
        }

        if (name.Any(c => c == '\\' || char.IsControl(c)) || name.Split('/').Any(s => s.Length == 0 || s is "." or ".."))
        {
            throw new AosValidationException(
                $"'{Printable(name)}' is not a valid blob name: separate segments with single '/', with no empty, '.' or '..' segment, no leading or trailing '/', and no '\\' or control characters (for example 'invoices/2026/11/inv-1.pdf').")
            { Field = "name" };
        }
    }

    /// <summary>Checks a property or metadata name: ASCII letters, digits and underscores, starting with a letter or underscore, 1 to 255 characters.</summary>
    /// <param name="name">The name.</param>
    /// <param name="field">The input's name, for the error.</param>
    /// <exception cref="AosValidationException">The name is not valid.</exception>
    public static void ValidateIdentifier(string name, string field)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            throw new AosValidationException($"'{Printable(name ?? string.Empty)}' is not a valid {field}: use ASCII letters, digits and underscores, starting with a letter or underscore, at most 255 characters.") { Field = field };
        }
    }

    private static string Printable(string text) =>
        string.Concat(text.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
