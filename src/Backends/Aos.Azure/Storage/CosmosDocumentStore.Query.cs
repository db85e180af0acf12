using System.Globalization;
using System.Text;
using System.Text.Json;
using Aos.Storage;
using Microsoft.Azure.Cosmos;

namespace Aos.Azure.Storage;

internal sealed partial class CosmosDocumentStore
{
    public IAsyncEnumerable<StoredDocument> QueryAsync(string collection, string? partitionKey = null, IReadOnlyList<FieldCondition>? conditions = null, CancellationToken cancellationToken = default)
    {
        StorageNames.ValidateName(collection, "collection");
        if (partitionKey is not null)
        {
            StorageNames.ValidateKey(partitionKey, "partitionKey");
        }

        StorageValues.ValidateConditions(conditions, documents: true);
        var query = BuildQuery(partitionKey, conditions ?? []);
        var options = new QueryRequestOptions { PartitionKey = partitionKey is null ? null : new PartitionKey(partitionKey) };
        return _calls.PagesAsync<StoredDocument>(Service, _client.Endpoint, async (continuation, ct) =>
        {
            // Not created by a query: a missing database or container answers 404, and holds nothing.
            using var pages = _client.GetContainer(_databaseName, collection).GetItemQueryStreamIterator(query, continuation, options);
            if (!pages.HasMoreResults)
            {
                return ([], null);
            }

            using var response = await pages.ReadNextAsync(ct).ConfigureAwait(false);
            if (continuation is null && response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Only the first page: a container deleted while it is paged through is an error, not the end of the results.
                return ([], null);
            }

            var page = Succeeded(response);
            using var json = await JsonDocument.ParseAsync(page.Content, cancellationToken: ct).ConfigureAwait(false);
            return ([.. json.RootElement.GetProperty("Documents").EnumerateArray().Select(FromItem)], page.ContinuationToken);
        }, cancellationToken);
    }

    /// <summary>Builds the parameterized query: each condition holds only for a field of the value's JSON kind (times and GUIDs compare as text).</summary>
    internal static QueryDefinition BuildQuery(string? partitionKey, IReadOnlyList<FieldCondition> conditions)
    {
        var sql = new StringBuilder("SELECT c.id, c.pk, c.doc, c._etag FROM c WHERE IS_DEFINED(c.doc)");
        var parameters = new List<(string Name, object Value)>();
        if (partitionKey is not null)
        {
            sql.Append(" AND c.pk = @pk");
            parameters.Add(("@pk", partitionKey));
        }

        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            var name = "@p" + i.ToString(CultureInfo.InvariantCulture);

            // Path segments are validated identifiers; the bracket form keeps reserved words (value, order) usable.
            var field = "c.doc" + string.Concat(condition.Field.Split('.').Select(segment => $"[\"{segment}\"]"));
            var (check, value) = condition.Value switch
            {
                string text => ("IS_STRING", (object)text),
                bool flag => ("IS_BOOL", flag),
                DateTimeOffset time => ("IS_STRING", StorageValues.FormatTime(time)),
                Guid id => ("IS_STRING", id.ToString("D")),
                var number => ("IS_NUMBER", Convert.ToDouble(number, CultureInfo.InvariantCulture)),
            };

            sql.Append(CultureInfo.InvariantCulture, $" AND {check}({field}) AND {field} {Operator(condition.Operator)} {name}");
            parameters.Add((name, value));
        }

        sql.Append(" ORDER BY c.pk, c.id");
        var query = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            query = query.WithParameter(name, value);
        }

        return query;
    }

    private static string Operator(ComparisonOperator comparison) => comparison switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        _ => ">=",
    };
}
