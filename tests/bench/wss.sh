echo "wss bench: being written"
