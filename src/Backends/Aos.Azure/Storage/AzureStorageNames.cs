using System.Globalization;
using Aos.Storage;

namespace Aos.Azure.Storage;

/// <summary>Maps validated store names to the physical names of Azure containers, queues, tables and databases.</summary>
/// <remarks>
/// Store names are 3 to 40 lowercase letters, digits and single hyphens (<see cref="StorageNames.ValidateName"/>). Containers, queues and
/// databases allow hyphens, so they are <c>{prefix}-{name}</c>. Table names are letters and digits only, so a name without hyphens maps to
/// <c>{prefix}{name}</c>, and a name with hyphens to <c>{prefix}{mask}{name without hyphens}</c>, where <c>mask</c> is the decimal bit mask
/// of where the hyphens were. A store name starts with a letter and a mask with a digit, so the mapping is one-to-one for a prefix.
/// </remarks>
internal static class AzureStorageNames
{
    /// <summary>Gets the name of the container of a blob store, or of the database of a document store.</summary>
    public static string Container(string prefix, string name) => $"{prefix}-{name}";

    /// <summary>Gets the name of the queue of a queue store.</summary>
    public static string Queue(string prefix, string name) => $"{prefix}-{name}";

    /// <summary>Gets the name of the dead-letter queue of a queue store.</summary>
    public static string DeadLetterQueue(string prefix, string name) => $"{prefix}-{name}-dead";

    /// <summary>Gets the name of the table of a table store.</summary>
    public static string Table(string prefix, string name)
    {
        if (!name.Contains('-', StringComparison.Ordinal))
        {
            return prefix + name;
        }

        // Bit i of the mask is set when a hyphen stood before the i-th remaining character; at most 39 bits.
        long mask = 0;
        var kept = 0;
        foreach (var c in name)
        {
            if (c == '-')
            {
                mask |= 1L << kept;
            }
            else
            {
                kept++;
            }
        }

        return prefix + mask.ToString(CultureInfo.InvariantCulture) + name.Replace("-", string.Empty, StringComparison.Ordinal);
    }
}
