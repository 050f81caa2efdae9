// Cumin.Abstractions: grain interfaces and the serializable contracts shared by the silo, the API and the Lambdas.
[assembly: System.CLSCompliant(false)]
