using CsvHelper;

namespace Cumin.Lambdas.Tests.TestSupport;

/// <summary>Reads an export back with CsvHelper: the header and every row's fields.</summary>
public static class CsvRows
{
    public static (IReadOnlyList<string> Header, List<string[]> Rows) Read(byte[] csv)
    {
        using var reader = CsvReader.Create(csv, CsvReaderOptions.Default with { Separator = ',' });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        return ([.. reader.Headers], rows);
    }
}
