from repcam.cli import main

main()
