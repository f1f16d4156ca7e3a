# ss -tanoH snapshots of leak-killed-server: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269830987366 1795269830999217 100 SYN on its way to the tap
SYN-SENT 0      1      192.0.2.1:48040 192.0.2.2:8080 timer:(on,884ms,0)
@ 1 server 1795269830999217 1795269831006037 100 SYN on its way to the tap
LISTEN 0      512    192.0.2.2:8080 0.0.0.0:*
@ 2 client 1795269831172740 1795269831185400 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      192.0.2.1:48040 192.0.2.2:8080 timer:(on,696ms,0)
@ 2 server 1795269831185400 1795269831195579 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:48040 timer:(on,880ms,0)
@ 3 client 1795269831374312 1795269831391272 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      100    192.0.2.1:48040 192.0.2.2:8080 timer:(on,892ms,0)
@ 3 server 1795269831391272 1795269831408635 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    192.0.2.2:8080   0.0.0.0:*    
SYN-RECV 0      0      192.0.2.2:8080 192.0.2.1:48040 timer:(on,672ms,0)
@ 4 client 1795269831872509 1795269831888310 1000 established, data exchanged
ESTAB 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 4 server 1795269831888310 1795269831914513 1000 established, data exchanged
ESTAB 0      0      192.0.2.2:8080 192.0.2.1:48040
@ 5 client 1795269831969033 1795269831986183 1100 server FIN on its way
ESTAB 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 5 server 1795269831986183 1795269831999307 1100 server FIN on its way
FIN-WAIT-1 0      1      192.0.2.2:8080 192.0.2.1:48040 timer:(on,944ms,0)
@ 6 client 1795269832168790 1795269832189035 1300 FIN delivered, its ACK on its way
CLOSE-WAIT 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 6 server 1795269832189035 1795269832232456 1300 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      192.0.2.2:8080 192.0.2.1:48040 timer:(on,732ms,0)
@ 7 client 1795269832475485 1795269832491267 1600 server FIN_WAIT_2 (orphan), client CLOSE_WAIT
CLOSE-WAIT 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 7 server 1795269832491267 1795269832514297 1600 server FIN_WAIT_2 (orphan), client CLOSE_WAIT
FIN-WAIT-2 0      0      192.0.2.2:8080 192.0.2.1:48040 timer:(timewait,3.908ms,0)
@ 8 client 1795269833868906 1795269833883491 3000 leak
CLOSE-WAIT 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 8 server 1795269833883491 1795269833911342 3000 leak
FIN-WAIT-2 0      0      192.0.2.2:8080 192.0.2.1:48040 timer:(timewait,2.500ms,0)
@ 9 client 1795269834872544 1795269834891117 4000 leak, server FIN_WAIT_2 about to expire
CLOSE-WAIT 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 9 server 1795269834891117 1795269834908413 4000 leak, server FIN_WAIT_2 about to expire
FIN-WAIT-2 0      0      192.0.2.2:8080 192.0.2.1:48040 timer:(timewait,1.500ms,0)
@ 10 client 1795269835872523 1795269835881983 5000 server FIN_WAIT_2 expired (tcp_fin_timeout, no packet)
CLOSE-WAIT 0      0      192.0.2.1:48040 192.0.2.2:8080
@ 10 server 1795269835881983 1795269835896815 5000 server FIN_WAIT_2 expired (tcp_fin_timeout, no packet)
FIN-WAIT-2 0      0      192.0.2.2:8080 192.0.2.1:48040 timer:(timewait,516ms,0)
@ 11 client 1795269836971219 1795269836983096 6100 client data on its way
CLOSE-WAIT 0      100    192.0.2.1:48040 192.0.2.2:8080 timer:(on,896ms,0)
@ 11 server 1795269836983096 1795269836987574 6100 client data on its way
@ 12 client 1795269837179143 1795269837195223 6300 data delivered to no socket, RST on its way
CLOSE-WAIT 0      100    192.0.2.1:48040 192.0.2.2:8080 timer:(on,688ms,0)
@ 12 server 1795269837195223 1795269837219038 6300 data delivered to no socket, RST on its way
@ 13 client 1795269837391395 1795269837411194 6500 both closed
@ 13 server 1795269837411194 1795269837421243 6500 both closed
