// Cumin.Contracts: the names shared by the silo, the API and the Lambdas (HTTP, DynamoDB items, streams).
[assembly: System.CLSCompliant(true)]
