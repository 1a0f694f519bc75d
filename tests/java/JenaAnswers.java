// Answers every query of a folder with Jena ARQ over one N-Triples file, in one JVM (a JVM per query would take
// minutes). Run as a single source file: java -cp JENA_JARS JenaAnswers.java DATA.nt FOLDER
// Writes NAME.json (SPARQL results, for SELECT and ASK) or NAME.nt (CONSTRUCT and DESCRIBE) beside each NAME.rq,
// or NAME.error with Jena's message when it cannot parse or run the query.

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;

public class JenaAnswers {
    static void answer(Dataset dataset, Path file, String name) throws Exception {
        Query query = QueryFactory.create(Files.readString(file));
        try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
            boolean graph = query.isConstructType() || query.isDescribeType();
            Path out = file.resolveSibling(name + (graph ? ".nt" : ".json"));
            try (OutputStream stream = new FileOutputStream(out.toFile())) {
                if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(stream, execution.execSelect());
                } else if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(stream, execution.execAsk());
                } else {
                    RDFDataMgr.write(stream, query.isConstructType() ? execution.execConstruct()
                                                                     : execution.execDescribe(), Lang.NTRIPLES);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Dataset dataset = RDFDataMgr.loadDataset(args[0]);
        try (DirectoryStream<Path> queries = Files.newDirectoryStream(Path.of(args[1]), "*.rq")) {
            for (Path file : queries) {
                String name = file.getFileName().toString().replaceFirst("\\.rq$", "");
                try {
                    answer(dataset, file, name);
                } catch (RuntimeException error) {
                    Files.writeString(file.resolveSibling(name + ".error"), error.toString());
                }
            }
        }
    }
}
