using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aos.Storage.Sqlite;

/// <summary>Turns validated query conditions into SQL over the JSON columns of the embedded stores, values always as parameters.</summary>
internal static class SqliteConditions
{
    /// <summary>Appends <c> AND …</c> for each condition on a table entity's typed JSON properties (see <see cref="TableEntityJson"/>) or row key.</summary>
    public static void AppendTable(StringBuilder sql, SqliteCommand command, IReadOnlyList<FieldCondition> conditions)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            var parameter = $"$c{i}";
            command.Parameters.AddWithValue(parameter, TableEntityJson.StoredForm(condition.Value));
            if (condition.Field == FieldCondition.RowKey)
            {
                sql.Append(" AND rk ").Append(Operator(condition.Operator)).Append(' ').Append(parameter);
                continue;
            }

            // Property names are validated identifiers, safe to quote into the path.
            var codes = string.Join(", ", TableEntityJson.TypeCodes(StorageValues.KindOf(condition.Value, condition.Field)).Select(c => $"'{c}'"));
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(props, '$.\"{condition.Field}\".t') IN ({codes})")
                .Append(CultureInfo.InvariantCulture, $" AND json_extract(props, '$.\"{condition.Field}\".v') {Operator(condition.Operator)} {parameter}");
        }
    }

    /// <summary>Appends <c> AND …</c> for each condition on a document field found by its dotted path.</summary>
    public static void AppendDocument(StringBuilder sql, SqliteCommand command, IReadOnlyList<FieldCondition> conditions)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = conditions[i];
            var parameter = $"$c{i}";
            command.Parameters.AddWithValue(parameter, TableEntityJson.StoredForm(condition.Value));

            // Path segments are validated identifiers, safe to quote into the path.
            var path = "$." + string.Join('.', condition.Field.Split('.').Select(s => $"\"{s}\""));
            var types = StorageValues.KindOf(condition.Value, condition.Field) switch
            {
                StorageValueKind.Number => "'integer', 'real'",
                StorageValueKind.Boolean => "'true', 'false'",
                _ => "'text'",
            };
            sql.Append(CultureInfo.InvariantCulture, $" AND json_type(doc, '{path}') IN ({types}) AND json_extract(doc, '{path}') {Operator(condition.Operator)} {parameter}");
        }
    }

    private static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "<>",
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        _ => ">=",
    };
}
