using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cumin.Lambdas.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add|script</c> build the context without starting the runner host.
/// Generating migrations and scripts needs no server; the connection string only names the provider.
/// </summary>
internal sealed class DesignTimeLambdasDbContextFactory : IDesignTimeDbContextFactory<LambdasDbContext>
{
    public LambdasDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LambdasDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? "Host=localhost;Database=cumin")
            .Options);
}
