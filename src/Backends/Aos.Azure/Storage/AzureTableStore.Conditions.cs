using Aos.Storage;
using Azure.Data.Tables;
using TableEntity = Aos.Storage.TableEntity;

namespace Aos.Azure.Storage;

internal sealed partial class AzureTableStore
{
    /// <summary>Builds the filter the service applies: the partition, the row-key conditions, and a pre-filter from the other conditions.</summary>
    /// <remarks>
    /// The service's comparisons across property types differ between Azure and Azurite (Azurite matches an Int32 property against a GUID
    /// literal, rejects an Int32 against an Int64 literal, and finds Int64 10 not equal to 10), and neither compares an int with a long. So only
    /// comparisons that both get right for same-typed values are sent (text, time and GUID ranges, boolean equality), and every condition is
    /// checked again here by <see cref="Matches"/>, which alone decides. Number and inequality conditions are checked here only.
    /// </remarks>
    internal static string ServerFilter(string partitionKey, IEnumerable<FieldCondition> conditions)
    {
        var clauses = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}") };
        foreach (var condition in conditions)
        {
            if (condition.Operator == ComparisonOperator.NotEqual || condition.Value is int or long or double
                || (condition.Value is bool or Guid && condition.Operator != ComparisonOperator.Equal))
            {
                continue;
            }

            var literal = condition.Value switch
            {
                string text => TableClient.CreateQueryFilter($"{text}"),
                DateTimeOffset time => TableClient.CreateQueryFilter($"{time.ToUniversalTime()}"),
                var other => TableClient.CreateQueryFilter($"{other}"),
            };

            // Field names are validated identifiers (or RowKey), so they need no quoting.
            clauses.Add($"{condition.Field} {Operator(condition.Operator)} {literal}");
        }

        return string.Join(" and ", clauses);
    }

    /// <summary>Gets whether an entity meets a condition: a property of the value's kind that compares as asked.</summary>
    internal static bool Matches(TableEntity entity, FieldCondition condition)
    {
        object? actual = condition.Field == FieldCondition.RowKey ? entity.RowKey : entity.Properties.GetValueOrDefault(condition.Field);
        int? comparison = (actual, condition.Value) switch
        {
            (string a, string b) => string.CompareOrdinal(a, b),
            (bool a, bool b) => a.CompareTo(b),
            (DateTimeOffset a, DateTimeOffset b) => a.UtcTicks.CompareTo(b.UtcTicks),
            (Guid a, Guid b) => string.CompareOrdinal(a.ToString("D"), b.ToString("D")),
            (int or long or double, int or long or double) => CompareNumbers(actual, condition.Value),
            _ => null,
        };

        return comparison is { } c && condition.Operator switch
        {
            ComparisonOperator.Equal => c == 0,
            ComparisonOperator.NotEqual => c != 0,
            ComparisonOperator.LessThan => c < 0,
            ComparisonOperator.LessThanOrEqual => c <= 0,
            ComparisonOperator.GreaterThan => c > 0,
            ComparisonOperator.GreaterThanOrEqual => c >= 0,
            _ => false,
        };
    }

    /// <summary>Compares two numbers by value, exactly: longs beyond 2^53 are not rounded to doubles.</summary>
    private static int CompareNumbers(object a, object b) => (a, b) switch
    {
        (double x, double y) => x.CompareTo(y),
        (double x, _) => -CompareIntegerToDouble(Convert.ToInt64(b, null), x),
        (_, double y) => CompareIntegerToDouble(Convert.ToInt64(a, null), y),
        _ => Convert.ToInt64(a, null).CompareTo(Convert.ToInt64(b, null)),
    };

    private static int CompareIntegerToDouble(long integer, double number)
    {
        if (number >= 9.2233720368547758E18)
        {
            return -1;
        }

        if (number < -9.2233720368547758E18)
        {
            return 1;
        }

        var whole = Math.Truncate(number);
        var byWhole = integer.CompareTo((long)whole);
        return byWhole != 0 ? byWhole : 0d.CompareTo(number - whole);
    }

    private static string Operator(ComparisonOperator comparison) => comparison switch
    {
        ComparisonOperator.Equal => "eq",
        ComparisonOperator.NotEqual => "ne",
        ComparisonOperator.LessThan => "lt",
        ComparisonOperator.LessThanOrEqual => "le",
        ComparisonOperator.GreaterThan => "gt",
        _ => "ge",
    };
}
