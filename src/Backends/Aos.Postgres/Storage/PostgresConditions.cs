using System.Globalization;
using System.Text;
using Aos.Storage;

namespace Aos.Postgres.Storage;

/// <summary>Turns validated <see cref="FieldCondition"/>s into SQL predicates over the typed JSON of table entities and over documents.</summary>
/// <remarks>
/// Each predicate reads a value only when its stored type is the condition's kind (inside <c>CASE</c>, whose order PostgreSQL keeps, so
/// a cast never sees a value of another kind); any other value is NULL and matches nothing, not even <c>&lt;&gt;</c>. Text compares with
/// <c>COLLATE "C"</c> (ordinal), numbers as <c>numeric</c> (exact for every <see cref="long"/> and <see cref="double"/>). Field names and
/// values are parameters.
/// </remarks>
internal static class PostgresConditions
{
    /// <summary>Appends the predicates of table conditions on the <c>props</c> (typed JSON) and <c>rk</c> columns.</summary>
    /// <param name="sql">The statement being built, after a <c>WHERE</c> clause.</param>
    /// <param name="parameters">The statement's parameters, to which the conditions' are added.</param>
    /// <param name="conditions">The validated conditions.</param>
    public static void AppendTable(StringBuilder sql, List<object?> parameters, IReadOnlyList<FieldCondition>? conditions)
    {
        foreach (var condition in conditions ?? [])
        {
            var op = Operator(condition.Operator);
            if (condition.Field == FieldCondition.RowKey)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND rk {op} {Add(parameters, condition.Value)}");
                continue;
            }

            var kind = StorageValues.KindOf(condition.Value, condition.Field);
            var field = Add(parameters, condition.Field);
            var codes = Add(parameters, TableEntityJson.TypeCodes(kind).ToArray());
            var when = $"props->{field}->>'t' = ANY({codes})";
            var value = Add(parameters, Parameter(TableEntityJson.StoredForm(condition.Value)));
            sql.Append(' ').Append(kind switch
            {
                StorageValueKind.Number => $"AND (CASE WHEN {when} THEN (props->{field}->>'v')::numeric END) {op} {value}::numeric",
                StorageValueKind.Boolean => $"AND (CASE WHEN {when} THEN (props->{field}->>'v')::boolean END) {op} {value}",
                _ => $"AND (CASE WHEN {when} THEN props->{field}->>'v' END) COLLATE \"C\" {op} {value}",
            });
        }
    }

    /// <summary>Appends the predicates of document conditions on the <c>doc</c> column, by dotted path.</summary>
    /// <param name="sql">The statement being built, after a <c>WHERE</c> clause.</param>
    /// <param name="parameters">The statement's parameters, to which the conditions' are added.</param>
    /// <param name="conditions">The validated conditions.</param>
    public static void AppendDocument(StringBuilder sql, List<object?> parameters, IReadOnlyList<FieldCondition>? conditions)
    {
        foreach (var condition in conditions ?? [])
        {
            var op = Operator(condition.Operator);
            var kind = StorageValues.KindOf(condition.Value, condition.Field);
            var path = Add(parameters, condition.Field.Split('.'));
            var value = Add(parameters, Parameter(TableEntityJson.StoredForm(condition.Value)));
            sql.Append(' ').Append(kind switch
            {
                StorageValueKind.Number => $"AND (CASE WHEN jsonb_typeof(doc #> {path}) = 'number' THEN (doc #>> {path})::numeric END) {op} {value}::numeric",
                StorageValueKind.Boolean => $"AND (CASE WHEN jsonb_typeof(doc #> {path}) = 'boolean' THEN (doc #>> {path})::boolean END) {op} {value}",
                _ => $"AND (CASE WHEN jsonb_typeof(doc #> {path}) = 'string' THEN doc #>> {path} END) COLLATE \"C\" {op} {value}",
            });
        }
    }

    private static string Add(List<object?> parameters, object? value)
    {
        parameters.Add(value);
        return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Converts a stored-form value to the parameter sent: numbers as exact text for a <c>numeric</c> cast, others as they are.</summary>
    private static object Parameter(object stored) => stored switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => stored,
    };

    private static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "<>",
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        ComparisonOperator.GreaterThanOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a comparison operator."),
    };
}
