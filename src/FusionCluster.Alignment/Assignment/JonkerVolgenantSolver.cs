namespace FusionCluster.Alignment.Assignment;

/// <summary>
/// Jonker and Volgenant's LAPJV (Computing 38, 1987) for dense matrices: column reduction, reduction
/// transfer, two passes of augmenting row reduction, then one shortest augmenting path (Dijkstra over
/// reduced costs) per row still free. It minimises cost = −similarity in double precision, reading the
/// float similarities in place, so the only memory it adds is O(n).
/// Ties go to the lower index wherever a scan compares, so equal inputs give equal matchings.
/// </summary>
public sealed class JonkerVolgenantSolver : ILinearAssignmentSolver
{
    private readonly int rowReductionPasses;

    public JonkerVolgenantSolver()
        : this(rowReductionPasses: 2)
    {
    }

    /// <param name="rowReductionPasses">Augmenting row reduction passes; tests use 0 to exercise the augmentation alone.</param>
    internal JonkerVolgenantSolver(int rowReductionPasses) => this.rowReductionPasses = rowReductionPasses;

    public string Name => "lapjv";

    public unsafe int[] Solve(ReadOnlySpan<float> similarity, int n)
    {
        AssignmentInput.Check(similarity, n);
        if (n == 0)
        {
            return [];
        }

        fixed (float* s = similarity)
        {
            return new Run(s, n, rowReductionPasses).Solve();
        }
    }

    /// <summary>The state of one solve: row and column assignments and column prices.</summary>
    private sealed unsafe class Run(float* similarity, int n, int rowReductionPasses)
    {
        private readonly int[] rowToColumn = new int[n];
        private readonly int[] columnToRow = new int[n];
        private readonly double[] prices = new double[n];
        private readonly int[] freeRows = new int[n];
        private int freeCount;

        public int[] Solve()
        {
            var matches = ReduceColumns();
            TransferReduction(matches);
            for (var pass = 0; pass < rowReductionPasses && freeCount > 0; pass++)
            {
                ReduceRowsByAugmenting();
            }

            var distances = new double[n];
            var predecessors = new int[n];
            var columns = new int[n];
            var pending = freeRows[..freeCount];
            foreach (var row in pending)
            {
                Augment(row, distances, predecessors, columns);
            }

            return rowToColumn;
        }

        private double Cost(int row, int column) => -similarity[((long)row * n) + column];

        /// <summary>Each column's price is its cheapest cost; a row that is cheapest for one column takes it.</summary>
        private int[] ReduceColumns()
        {
            // Column minima by scanning rows in order: memory order, and the lowest row wins a tie.
            var minimumRow = new int[n];
            var minimum = new double[n];
            Array.Fill(minimum, double.PositiveInfinity);
            for (var row = 0; row < n; row++)
            {
                for (var column = 0; column < n; column++)
                {
                    var cost = Cost(row, column);
                    if (cost < minimum[column])
                    {
                        minimum[column] = cost;
                        minimumRow[column] = row;
                    }
                }
            }

            Array.Fill(rowToColumn, -1);
            var matches = new int[n];
            // Reverse column order as in the original: it leaves fewer rows with several minima.
            for (var column = n - 1; column >= 0; column--)
            {
                var row = minimumRow[column];
                prices[column] = minimum[column];
                if (++matches[row] == 1)
                {
                    rowToColumn[row] = column;
                    columnToRow[column] = row;
                }
                else if (prices[column] < prices[rowToColumn[row]])
                {
                    columnToRow[rowToColumn[row]] = -1;
                    rowToColumn[row] = column;
                    columnToRow[column] = row;
                }
                else
                {
                    columnToRow[column] = -1;
                }
            }

            // Rows that were the minimum of several columns keep one; the others stay free.
            freeCount = 0;
            for (var row = 0; row < n; row++)
            {
                if (matches[row] == 0)
                {
                    freeRows[freeCount++] = row;
                }
                else if (matches[row] > 1)
                {
                    matches[row] = -1;
                }
            }

            return matches;
        }

        /// <summary>A row assigned in column reduction lowers its column's price by its second-best margin.</summary>
        private void TransferReduction(int[] matches)
        {
            for (var row = 0; row < n; row++)
            {
                if (matches[row] != 1)
                {
                    continue;
                }

                var assigned = rowToColumn[row];
                var best = double.PositiveInfinity;
                for (var column = 0; column < n; column++)
                {
                    if (column != assigned)
                    {
                        best = Math.Min(best, Cost(row, column) - prices[column]);
                    }
                }

                if (double.IsFinite(best))
                {
                    prices[assigned] -= best;
                }
            }
        }

        /// <summary>
        /// An auction-like pass: each free row takes its cheapest column, lowering that column's price
        /// to make the row indifferent to its second choice, and frees the row it displaces. Every
        /// assigned row stays on a column of least reduced cost, which the augmentation relies on.
        /// </summary>
        private void ReduceRowsByAugmenting()
        {
            var previousFree = freeCount;
            freeCount = 0;
            var k = 0;
            // Float rounding can make a displaced row take its column back by ever smaller price steps;
            // past this many steps the remaining rows are left to the augmentation, which is exact.
            var budget = 16L * n;
            while (k < previousFree)
            {
                var row = freeRows[k++];
                var first = Cost(row, 0) - prices[0];
                var firstColumn = 0;
                var second = double.PositiveInfinity;
                var secondColumn = -1;
                for (var column = 1; column < n; column++)
                {
                    var reduced = Cost(row, column) - prices[column];
                    if (reduced < second)
                    {
                        if (reduced >= first)
                        {
                            second = reduced;
                            secondColumn = column;
                        }
                        else
                        {
                            second = first;
                            secondColumn = firstColumn;
                            first = reduced;
                            firstColumn = column;
                        }
                    }
                }

                var target = firstColumn;
                var displaced = columnToRow[target];
                var strictlyBetter = first < second;
                if (strictlyBetter)
                {
                    if (secondColumn >= 0)
                    {
                        prices[target] -= second - first;
                    }
                }
                else if (displaced >= 0 && secondColumn >= 0)
                {
                    target = secondColumn;
                    displaced = columnToRow[target];
                }

                if (displaced >= 0)
                {
                    rowToColumn[displaced] = -1;
                }

                rowToColumn[row] = target;
                columnToRow[target] = row;
                if (displaced < 0)
                {
                    continue;
                }

                if (strictlyBetter && --budget > 0)
                {
                    freeRows[--k] = displaced;
                }
                else
                {
                    freeRows[freeCount++] = displaced;
                }
            }
        }

        /// <summary>Dijkstra from a free row over reduced costs to the nearest free column, then flips the path.</summary>
        private void Augment(int freeRow, double[] distances, int[] predecessors, int[] columns)
        {
            for (var column = 0; column < n; column++)
            {
                distances[column] = Cost(freeRow, column) - prices[column];
                predecessors[column] = freeRow;
                columns[column] = column;
            }

            // columns[0..low) are settled, [low..up) are at the current minimum distance, [up..n) are open.
            var low = 0;
            var up = 0;
            var lastSettled = -1;
            var endOfPath = -1;
            var minimum = 0.0;
            while (endOfPath < 0)
            {
                if (up == low)
                {
                    lastSettled = low - 1;
                    minimum = distances[columns[up++]];
                    for (var k = up; k < n; k++)
                    {
                        var column = columns[k];
                        var distance = distances[column];
                        if (distance <= minimum)
                        {
                            if (distance < minimum)
                            {
                                up = low;
                                minimum = distance;
                            }

                            columns[k] = columns[up];
                            columns[up++] = column;
                        }
                    }

                    for (var k = low; k < up; k++)
                    {
                        if (columnToRow[columns[k]] < 0)
                        {
                            endOfPath = columns[k];
                            break;
                        }
                    }
                }

                if (endOfPath >= 0)
                {
                    break;
                }

                var scanned = columns[low++];
                var row = columnToRow[scanned];
                var offset = Cost(row, scanned) - prices[scanned] - minimum;
                for (var k = up; k < n; k++)
                {
                    var column = columns[k];
                    var distance = Cost(row, column) - prices[column] - offset;
                    if (distance < distances[column])
                    {
                        predecessors[column] = row;
                        if (distance == minimum)
                        {
                            if (columnToRow[column] < 0)
                            {
                                endOfPath = column;
                                break;
                            }

                            columns[k] = columns[up];
                            columns[up++] = column;
                        }

                        distances[column] = distance;
                    }
                }
            }

            // Settled columns get cheaper by how much nearer than the path's end they were.
            for (var k = 0; k <= lastSettled; k++)
            {
                var column = columns[k];
                prices[column] += distances[column] - minimum;
            }

            int pathRow;
            do
            {
                pathRow = predecessors[endOfPath];
                columnToRow[endOfPath] = pathRow;
                var next = rowToColumn[pathRow];
                rowToColumn[pathRow] = endOfPath;
                endOfPath = next;
            }
            while (pathRow != freeRow);
        }
    }
}
