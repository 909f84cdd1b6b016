# Chart for run.sh: gnuplot -c plot.gp FIGURES CPU PNG NSERVERS
# Each data file: a header row (metric, then one column per server), then one row per metric with
# each server's figure relative to raw Asio in the same run, oriented so that higher is better
# ('?' where missing).
nservers = int(ARG4)
set terminal pngcairo size 1100,800 font "DejaVu Sans,11" noenhanced
set output ARG3
set datafile separator "\t"
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside right top vertical
set grid ytics
set yrange [0:*]
set ylabel "× raw Asio"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linecolor rgb "#555555"
set multiplot layout 2,1 title "berth echo benchmarks, relative to raw Asio in the same run (higher is better)"
set title "figures (idle RSS and instructions per round trip inverted: asio ÷ server)"
plot for [i=2:nservers+1] ARG1 using i:xtic(1) title columnheader(i)
set title "server CPU time per op, inverted: asio ÷ server"
plot for [i=2:nservers+1] ARG2 using i:xtic(1) title columnheader(i)
unset multiplot
