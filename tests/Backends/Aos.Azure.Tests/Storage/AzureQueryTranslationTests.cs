using Aos.Azure.Storage;
using Aos.Storage;

namespace Aos.Azure.Tests.Storage;

/// <summary>Checks the queries sent to the services; Cosmos DB's are checked here because its conformance tests need a real account.</summary>
public sealed class AzureQueryTranslationTests
{
    [Fact]
    public void CosmosQuery_ChecksEachFieldsKind_WithParameters_AndOrdersByPartitionThenId()
    {
        var query = CosmosDocumentStore.BuildQuery("eu",
        [
            FieldCondition.Equal("customer.country", "O'Brien"),
            FieldCondition.GreaterThan("total", 10),
            FieldCondition.Equal("vip", true),
            FieldCondition.AtLeast("placed", new DateTimeOffset(2026, 2, 1, 1, 0, 0, TimeSpan.FromHours(1))),
        ]);

        Assert.Equal(
            "SELECT c.id, c.pk, c.doc, c._etag FROM c WHERE IS_DEFINED(c.doc) AND c.pk = @pk"
            + " AND IS_STRING(c.doc[\"customer\"][\"country\"]) AND c.doc[\"customer\"][\"country\"] = @p0"
            + " AND IS_NUMBER(c.doc[\"total\"]) AND c.doc[\"total\"] > @p1"
            + " AND IS_BOOL(c.doc[\"vip\"]) AND c.doc[\"vip\"] = @p2"
            + " AND IS_STRING(c.doc[\"placed\"]) AND c.doc[\"placed\"] >= @p3"
            + " ORDER BY c.pk, c.id",
            query.QueryText);
        var parameters = query.GetQueryParameters().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal("eu", parameters["@pk"]);
        Assert.Equal("O'Brien", parameters["@p0"]);
        Assert.Equal(10.0, parameters["@p1"]);
        Assert.Equal(true, parameters["@p2"]);
        Assert.Equal("2026-02-01T00:00:00.0000000Z", parameters["@p3"]);
    }

    [Fact]
    public void CosmosQuery_AcrossPartitions_HasNoPartitionFilter() =>
        Assert.Equal("SELECT c.id, c.pk, c.doc, c._etag FROM c WHERE IS_DEFINED(c.doc) ORDER BY c.pk, c.id", CosmosDocumentStore.BuildQuery(null, []).QueryText);

    [Fact]
    public void TableFilter_SendsOnlyComparisonsTheServiceGetsRight_WithLiteralsEscaped()
    {
        var filter = AzureTableStore.ServerFilter("p'1",
        [
            FieldCondition.Equal("Status", "it's"),
            FieldCondition.GreaterThan("Amount", 10),
            FieldCondition.NotEqual("Status", "x"),
            FieldCondition.Equal("Urgent", true),
            FieldCondition.GreaterThan(FieldCondition.RowKey, "r1"),
        ]);

        Assert.Equal("PartitionKey eq 'p''1' and Status eq 'it''s' and Urgent eq true and RowKey gt 'r1'", filter);
    }
}
